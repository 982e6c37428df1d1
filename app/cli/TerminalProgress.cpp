#include "TerminalProgress.h"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace tunebench::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void onTerminalInterrupt(int) {
  interrupted = 1;
}

}  // namespace

std::string formatDuration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (total >= 60)
    std::snprintf(text, sizeof text, "%lldm %02llds", total / 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%llds", total);
  return text;
}

TerminalProgress::TerminalProgress() {
  interrupted = 0;
  lastPrint_ = std::chrono::steady_clock::now() - std::chrono::seconds(10);
  onProgress = [this](int64_t done, int64_t total, const std::string& text) {
    show(done, total, text);
  };
  onLog = [](LogLevel level, const std::string& text) {
    if (level != LogLevel::Debug) std::cerr << logLevelName(level) << ": " << text << std::endl;
  };
  std::signal(SIGINT, onTerminalInterrupt);
  std::signal(SIGTERM, onTerminalInterrupt);
}

TerminalProgress::~TerminalProgress() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

bool TerminalProgress::isCanceled() const {
  return interrupted != 0 || BasicJobContext::isCanceled();
}

void TerminalProgress::show(int64_t done, int64_t total, const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  // A new task starts when the amount of work changes or the count goes back; the text alone
  // may change with every report (the trainer puts the step and loss in it).
  if (total != taskTotal_ || done < taskDone_ || (total <= 0 && text != task_)) {
    taskStart_ = now;
    taskTotal_ = total;
  }
  task_ = text;
  taskDone_ = done;
  // The first report of a task only starts its clock; short tasks print nothing.
  if (now - taskStart_ < std::chrono::milliseconds(500)) return;
  if (now - lastPrint_ < std::chrono::milliseconds(500) && done != total) return;
  lastPrint_ = now;
  std::cerr << text;
  if (total > 0) {
    const double share = double(done) / double(total);
    const double elapsed = std::chrono::duration<double>(now - taskStart_).count();
    std::cerr << ": " << int(share * 100) << "%";
    if (share > 0 && done < total)
      std::cerr << ", ETA " << formatDuration(elapsed * (1 - share) / share);
  } else {
    std::cerr << ": " << done;
  }
  std::cerr << std::endl;
}

}  // namespace tunebench::cli
