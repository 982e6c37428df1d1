#pragma once
// Store times are seconds since the Unix epoch as a double (REAL columns).
#include <chrono>

namespace tunebench::store {

inline double unixTimeNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tunebench::store
