#pragma once
// Connects a job to its run in the project: metrics are written through a MetricWriter (one
// transaction per flush), warnings and errors become events of the run, and everything is also
// passed on to the wrapped context (the GUI's or the CLI's). Lives on the job's thread, with the
// job's own ProjectStore.
#include <chrono>
#include <cstdint>
#include <string>

#include "jobs/JobContext.h"
#include "store/EventRepository.h"
#include "store/MetricWriter.h"

namespace tunebench::store {

class RunJobContext : public JobContext {
 public:
  RunJobContext(JobContext& inner, ProjectStore& store, int64_t runId,
                std::chrono::milliseconds flushInterval = std::chrono::milliseconds(1000));

  bool isCanceled() const override { return inner_.isCanceled(); }
  void waitIfPaused() override;
  void progress(int64_t done, int64_t total, const std::string& text) override;
  void metric(int64_t step, const std::string& key, double value) override;
  void log(LogLevel level, const std::string& text) override;

  // Writes buffered metrics now (the job calls it when it ends or saves a checkpoint).
  void flush() { writer_.flush(); }
  const MetricWriter& writer() const { return writer_; }

 private:
  JobContext& inner_;
  EventRepository events_;
  MetricWriter writer_;
  int64_t runId_;
};

}  // namespace tunebench::store
