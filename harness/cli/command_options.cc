// Shared option parsing. See command_options.h.
#include "harness/cli/command_options.h"

#include <cstdio>
#include <iostream>

namespace healbench {
namespace po = boost::program_options;

std::optional<int> ParseCommandOptions(const std::string& cmd, const std::string& usage,
                                       const std::vector<std::string>& args,
                                       po::options_description& opts,
                                       std::vector<std::string>* positional) {
  bool help = false;
  opts.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::options_description hidden;
  hidden.add_options()("positional", po::value(positional));
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::options_description all;
  all.add(opts).add(hidden);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fprintf(stderr, "healbench %s: %s\n(see healbench %s --help)\n", cmd.c_str(), e.what(),
            cmd.c_str());
    return 2;
  }
  if (help) {
    if (!usage.empty()) std::cout << usage << "\n";
    std::cout << opts << "\n";
    return 0;
  }
  return std::nullopt;
}

}  // namespace healbench
