#include "store/RunJobContext.h"

namespace tunebench::store {

RunJobContext::RunJobContext(JobContext& inner, ProjectStore& store, int64_t runId,
                             std::chrono::milliseconds flushInterval)
    : inner_(inner), events_(store), writer_(store, runId, flushInterval), runId_(runId) {}

void RunJobContext::waitIfPaused() {
  // Called once per step: a natural moment to flush when the interval has passed.
  writer_.flushIfDue();
  inner_.waitIfPaused();
}

void RunJobContext::progress(int64_t done, int64_t total, const std::string& text) {
  writer_.flushIfDue();
  inner_.progress(done, total, text);
}

void RunJobContext::metric(int64_t step, const std::string& key, double value) {
  writer_.add(step, key, value);
  inner_.metric(step, key, value);
}

void RunJobContext::log(LogLevel level, const std::string& text) {
  // Warnings and errors are what a user looks for after the run; the rest is the live log only.
  if (level == LogLevel::Warning || level == LogLevel::Error)
    events_.add(runId_, level, "log", text);
  inner_.log(level, text);
}

}  // namespace tunebench::store
