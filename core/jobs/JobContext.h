#pragma once
// What a long-running job sees of the world: cancellation, pausing, progress, metrics and a log.
// The GUI implements it on top of a worker thread; the CLI prints to the terminal.
#include <cstdint>
#include <string>

namespace tunebench {

enum class LogLevel { Debug, Info, Warning, Error };

const char* logLevelName(LogLevel level);

class JobContext {
 public:
  virtual ~JobContext() = default;

  virtual bool isCanceled() const = 0;
  // Blocks while the job is paused; returns at once otherwise (and when canceled during a pause).
  virtual void waitIfPaused() = 0;
  // total <= 0 means the amount of work is unknown.
  virtual void progress(int64_t done, int64_t total, const std::string& text) = 0;
  virtual void metric(int64_t step, const std::string& key, double value) = 0;
  virtual void log(LogLevel level, const std::string& text) = 0;
  // A finding about a range of steps (training diagnosis, a skipped step); charts mark the range.
  virtual void event(const std::string& kind, int64_t fromStep, int64_t toStep,
                     const std::string& message) {
    log(LogLevel::Warning, kind + " (steps " + std::to_string(fromStep) + "–" +
                               std::to_string(toStep) + "): " + message);
  }
};

// A unit of long work run off the GUI thread. run() throws tunebench::Error on failure and
// returns normally when canceled (having left everything it wrote consistent).
class Job {
 public:
  virtual ~Job() = default;
  virtual std::string name() const = 0;
  virtual void run(JobContext& context) = 0;
};

}  // namespace tunebench
