#pragma once
// Paces a training run from a test: the trainer calls pass() before each optimiser step
// (TrainPanel::setStepGate) and blocks there until the test has allowed that step. What the test
// then observes follows from the permits it gave, never from how fast the machine is.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace uitest {

class StepGate {
 public:
  // Lets `steps` more steps start.
  void allow(int64_t steps) {
    std::lock_guard<std::mutex> lock(mutex_);
    permits_ += steps;
    changed_.notify_all();
  }
  // Lets every further step start (for the rest of the run, and for runs that follow).
  void open() { allow(int64_t(1) << 40); }
  // Steps that have passed the gate so far.
  int64_t passed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return passed_;
  }
  // For TrainPanel::setStepGate: shares the gate, so it outlives the panel's training thread.
  static std::function<void(int64_t)> hook(const std::shared_ptr<StepGate>& gate) {
    return [gate](int64_t) { gate->pass(); };
  }

 private:
  void pass() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return permits_ > 0; });
    --permits_;
    ++passed_;
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int64_t permits_ = 0;
  int64_t passed_ = 0;
};

}  // namespace uitest
