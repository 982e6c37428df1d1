#include "store/MetricWriter.h"

#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "store/StoreClock.h"

namespace tunebench::store {

MetricWriter::MetricWriter(ProjectStore& store, int64_t runId, std::chrono::milliseconds interval)
    : store_(store),
      metrics_(store),
      runId_(runId),
      interval_(interval),
      lastFlush_(Clock::now()) {}

MetricWriter::~MetricWriter() {
  try {
    flush();
  } catch (...) {
    // A destructor must not throw; callers that care flush explicitly first.
  }
}

void MetricWriter::add(int64_t step, const std::string& key, double value) {
  buffer_.push_back({runId_, key, step, value, unixTimeNow()});
  flushIfDue();
}

void MetricWriter::flushIfDue() {
  if (!buffer_.empty() && Clock::now() - lastFlush_ >= interval_) flush();
}

void MetricWriter::flush() {
  lastFlush_ = Clock::now();
  if (buffer_.empty()) return;
  auto& db = store_.db();
  Transaction transaction(db, Transaction::Durability::Relaxed);
  metrics_.append(buffer_);
  RunRepository(store_).heartbeat(runId_);
  transaction.commit();
  committed_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
}

}  // namespace tunebench::store
