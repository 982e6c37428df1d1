#pragma once
// The training thread's metric sink: buffers points and writes them in one transaction per flush,
// at most one flush per interval, together with the run's heartbeat. Flushes commit Relaxed
// (synchronous=NORMAL): a kill loses nothing committed, a power cut at most the last flushes. Use
// one per run, on the thread that owns the ProjectStore it was given.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "store/MetricRepository.h"

namespace tunebench::store {

class MetricWriter {
 public:
  using Clock = std::chrono::steady_clock;

  MetricWriter(ProjectStore& store, int64_t runId,
               std::chrono::milliseconds flushInterval = std::chrono::milliseconds(1000));
  // Flushes what is left; errors there are swallowed, so call flush() to see them.
  ~MetricWriter();
  MetricWriter(const MetricWriter&) = delete;
  MetricWriter& operator=(const MetricWriter&) = delete;

  // Buffers a point (wall time now) and flushes when the interval has passed.
  void add(int64_t step, const std::string& key, double value);
  // Flushes when the interval has passed since the last flush and there is something to write.
  void flushIfDue();
  // Writes the buffer and a heartbeat in one transaction. On failure the buffer is kept.
  void flush();

  size_t pending() const { return buffer_.size(); }
  int64_t committed() const { return committed_; }

 private:
  ProjectStore& store_;
  MetricRepository metrics_;
  int64_t runId_;
  std::chrono::milliseconds interval_;
  Clock::time_point lastFlush_;
  std::vector<MetricPoint> buffer_;
  int64_t committed_ = 0;
};

}  // namespace tunebench::store
