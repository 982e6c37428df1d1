#include "jobs/BasicJobContext.h"

namespace tunebench {

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

void BasicJobContext::cancel() {
  {
    std::lock_guard<std::mutex> lock(pauseMutex_);
    canceled_ = true;
  }
  pauseChanged_.notify_all();
}

void BasicJobContext::pause() {
  std::lock_guard<std::mutex> lock(pauseMutex_);
  paused_ = true;
}

void BasicJobContext::resume() {
  {
    std::lock_guard<std::mutex> lock(pauseMutex_);
    paused_ = false;
  }
  pauseChanged_.notify_all();
}

void BasicJobContext::waitIfPaused() {
  std::unique_lock<std::mutex> lock(pauseMutex_);
  pauseChanged_.wait(lock, [this] { return !paused_.load() || canceled_.load(); });
}

void BasicJobContext::progress(int64_t done, int64_t total, const std::string& text) {
  if (onProgress) onProgress(done, total, text);
}

void BasicJobContext::metric(int64_t step, const std::string& key, double value) {
  if (onMetric) onMetric(step, key, value);
}

void BasicJobContext::log(LogLevel level, const std::string& text) {
  if (onLog) onLog(level, text);
}

void BasicJobContext::event(const std::string& kind, int64_t fromStep, int64_t toStep,
                            const std::string& message) {
  if (onEvent)
    onEvent(kind, fromStep, toStep, message);
  else
    JobContext::event(kind, fromStep, toStep, message);
}

}  // namespace tunebench
