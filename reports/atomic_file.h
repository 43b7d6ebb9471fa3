// Crash-safe output files: whole files (results.json, timeseries.csv, report.html) are
// written to a temp name, synced and renamed over the target, so a reader sees the old file
// or the new one, never half of one; events.jsonl is appended and synced line by line.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace healbench::report {

// Writes content to path + ".tmp.PID", fsyncs it, renames it over path and fsyncs the
// directory. On failure removes the temp file, sets *error (if given) to a message naming
// the operation, the path and errno, e.g.
// "open out/results.json.tmp.42: Permission denied [errno 13]", and returns false.
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error);

// Append-only JSON-lines log (events.jsonl). Each Append writes one line with a single
// write() and fdatasyncs it before returning, so a crash loses at most the event being
// written. Thread-safe: events come from the fault scheduler, probes and workers.
class EventLog {
 public:
  EventLog() = default;
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Creates path, or truncates it: a log belongs to one run. False with *error on failure.
  bool Open(const std::string& path, std::string* error);
  // Appends value.dump() and '\n'. Invalid UTF-8 in strings is replaced, never thrown.
  // False with *error (if given) when the log is not open or the write/sync fails; a line
  // that could not be written whole (disk full) is cut off again, so the log never ends in
  // half a line.
  bool Append(const nlohmann::json& value, std::string* error = nullptr);
  void Close();

  bool is_open() const;
  const std::string& path() const { return path_; }

 private:
  mutable std::mutex mu_;
  int fd_ = -1;  // guarded by mu_
  std::string path_;
};

}  // namespace healbench::report
