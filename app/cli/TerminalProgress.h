#pragma once
// A JobContext for the terminal: progress with percentage and ETA on stderr (at most twice a
// second, so results on stdout stay clean), log lines on stderr, and Ctrl-C as cancel.
#include <chrono>
#include <string>

#include "jobs/BasicJobContext.h"

namespace tunebench::cli {

class TerminalProgress : public BasicJobContext {
 public:
  TerminalProgress();
  ~TerminalProgress() override;
  bool isCanceled() const override;

 private:
  void show(int64_t done, int64_t total, const std::string& text);

  std::chrono::steady_clock::time_point lastPrint_;
  std::chrono::steady_clock::time_point taskStart_;
  std::string task_;
  int64_t taskTotal_ = -1;
  int64_t taskDone_ = 0;
};

// "1m 05s", "12s".
std::string formatDuration(double seconds);

}  // namespace tunebench::cli
