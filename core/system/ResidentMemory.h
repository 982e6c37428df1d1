#pragma once
// The process's resident memory (RSS) and its high-water mark over a stretch of work, from
// /proc/self on Linux, and how much memory the machine has.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace tunebench {

// Resident bytes now; 0 where /proc/self/statm cannot be read.
int64_t residentBytes();

// The machine's memory: physical RAM plus swap (what an allocation can use at most before the
// kernel refuses or kills); 0 where it cannot be read.
int64_t machineMemoryBytes();

// Returns freed heap memory to the system (glibc's malloc_trim), so that a following reading of
// the resident size is not inflated by what earlier work left cached.
void releaseFreeHeapMemory();

// Measures the highest resident size between start() and stop(). Where the kernel lets the
// process reset its high-water mark (/proc/self/clear_refs, Linux 4.0+), the kernel's VmHWM is
// exact; a thread sampling the resident size every millisecond covers the rest.
class ResidentPeakMeter {
 public:
  ResidentPeakMeter() = default;
  ~ResidentPeakMeter();
  ResidentPeakMeter(const ResidentPeakMeter&) = delete;
  ResidentPeakMeter& operator=(const ResidentPeakMeter&) = delete;

  void start();
  // The peak in bytes since start().
  int64_t stop();
  // "kernel high-water mark (VmHWM)" or "sampled every 1 ms".
  std::string method() const;

 private:
  std::atomic<bool> running_{false};
  std::atomic<int64_t> sampledPeak_{0};
  std::thread sampler_;
  bool kernelPeak_ = false;
};

}  // namespace tunebench
