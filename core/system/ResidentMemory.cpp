#include "system/ResidentMemory.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tunebench {

namespace {

// VmHWM from /proc/self/status in bytes; 0 when absent.
int64_t kernelHighWaterBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    int64_t kilobytes = 0;
    fields >> kilobytes;
    return kilobytes * 1024;
  }
  return 0;
}

// Writing 5 to clear_refs resets the peak resident size to the current one.
bool resetKernelHighWater() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear) && kernelHighWaterBytes() <= residentBytes() + (1 << 20);
}

}  // namespace

int64_t machineMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0) return 0;
  int64_t total = int64_t(pages) * int64_t(pageSize);
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "SwapTotal:") total += kib * 1024;
  return total;
}

int64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

void releaseFreeHeapMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

ResidentPeakMeter::~ResidentPeakMeter() {
  if (running_) stop();
}

void ResidentPeakMeter::start() {
  if (running_) stop();
  kernelPeak_ = resetKernelHighWater();
  sampledPeak_ = residentBytes();
  running_ = true;
  sampler_ = std::thread([this] {
    while (running_) {
      const int64_t now = residentBytes();
      int64_t peak = sampledPeak_.load();
      while (now > peak && !sampledPeak_.compare_exchange_weak(peak, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
}

int64_t ResidentPeakMeter::stop() {
  running_ = false;
  if (sampler_.joinable()) sampler_.join();
  const int64_t sampled = std::max(sampledPeak_.load(), residentBytes());
  return kernelPeak_ ? std::max(sampled, kernelHighWaterBytes()) : sampled;
}

std::string ResidentPeakMeter::method() const {
  return kernelPeak_ ? "kernel high-water mark (VmHWM), reset before the steps"
                     : "resident size sampled every 1 ms";
}

}  // namespace tunebench
