#pragma once
// A thread-safe JobContext whose reports go to callbacks. Cancel, pause and resume may be called
// from any thread; the callbacks run on the job's thread.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "jobs/JobContext.h"

namespace tunebench {

class BasicJobContext : public JobContext {
 public:
  std::function<void(int64_t done, int64_t total, const std::string& text)> onProgress;
  std::function<void(int64_t step, const std::string& key, double value)> onMetric;
  std::function<void(LogLevel level, const std::string& text)> onLog;
  // Without onEvent, events are logged as warnings (JobContext's default).
  std::function<void(const std::string& kind, int64_t fromStep, int64_t toStep,
                     const std::string& message)>
      onEvent;

  void cancel();
  void pause();
  void resume();
  bool isPaused() const { return paused_.load(); }

  bool isCanceled() const override { return canceled_.load(); }
  void waitIfPaused() override;
  void progress(int64_t done, int64_t total, const std::string& text) override;
  void metric(int64_t step, const std::string& key, double value) override;
  void log(LogLevel level, const std::string& text) override;
  void event(const std::string& kind, int64_t fromStep, int64_t toStep,
             const std::string& message) override;

 private:
  std::atomic<bool> canceled_{false};
  std::atomic<bool> paused_{false};
  std::mutex pauseMutex_;
  std::condition_variable pauseChanged_;
};

}  // namespace tunebench
