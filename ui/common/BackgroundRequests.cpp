#include "common/BackgroundRequests.h"

#include <utility>

namespace tunebench::ui {

BackgroundRequests::~BackgroundRequests() {
  waiting_.reset();
  cancelRunning();
}

void BackgroundRequests::submit(Request request) {
  if (!running_) {
    start(std::move(request));
    return;
  }
  cancelRunning();
  waiting_ = std::move(request);
}

bool BackgroundRequests::finish() {
  const bool latest = !stale_ && !waiting_;
  running_.reset();
  stale_ = false;
  if (waiting_) {
    auto next = std::move(*waiting_);
    waiting_.reset();
    start(std::move(next));
  }
  return latest;
}

void BackgroundRequests::clear() {
  waiting_.reset();
  if (running_) cancelRunning();
}

void BackgroundRequests::start(Request request) {
  running_ = std::move(request);
  stale_ = false;
  running_->start();
}

void BackgroundRequests::cancelRunning() {
  if (!running_ || stale_) return;
  stale_ = true;
  if (running_->cancel) running_->cancel();
}

}  // namespace tunebench::ui
