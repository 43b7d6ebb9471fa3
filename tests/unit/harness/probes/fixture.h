// Loads a probe fixture (a copy of ../shared/samples) as the tool printed it: leading
// "# " header lines dropped (samples/README.md), and for the live GlusterFS captures the
// "$ command" first line and "[rc=N]" last line dropped (samples/gluster/README.md).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace healbench::testing {

inline std::string ReadFixtureRaw(const std::string& rel) {
  const std::string path =
      std::string(HEALBENCH_SOURCE_DIR) + "/tests/unit/harness/probes/fixtures/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string Fixture(const std::string& rel) {
  std::string text = ReadFixtureRaw(rel);
  while (text.starts_with("# ")) {
    const auto nl = text.find('\n');
    text = nl == std::string::npos ? "" : text.substr(nl + 1);
  }
  if (text.starts_with("$ ")) {
    const auto nl = text.find('\n');
    text = nl == std::string::npos ? "" : text.substr(nl + 1);
  }
  // "[rc=N]" closes every live GlusterFS capture.
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' ')) --end;
  const auto line = text.rfind('\n', end == 0 ? 0 : end - 1);
  const std::size_t start = line == std::string::npos ? 0 : line + 1;
  if (text.compare(start, 4, "[rc=") == 0 && end > start && text[end - 1] == ']') {
    text.erase(start);
  }
  return text;
}

}  // namespace healbench::testing
