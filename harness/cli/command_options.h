// The Boost.Program_options boilerplate every subcommand shares: --help, positional
// arguments, and parse errors as "healbench CMD: … (see healbench CMD --help)", exit 2.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace healbench {

// Parses args against opts (plus --help) with every positional argument into *positional.
// Returns an exit code when the command should stop now (bad options: 2, --help: 0, with
// `usage`, unless empty, printed above the options), nullopt to go on.
std::optional<int> ParseCommandOptions(const std::string& cmd, const std::string& usage,
                                       const std::vector<std::string>& args,
                                       boost::program_options::options_description& opts,
                                       std::vector<std::string>* positional);

}  // namespace healbench
