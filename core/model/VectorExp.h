#pragma once
// eˣ in plain float arithmetic, so that a loop calling it vectorises (std::exp is a library call
// that stops GCC's vectoriser). Within 1.2e-7 relative of the exact value for x in [−87, 88];
// inputs outside are clamped there. Loops using it need -fno-trapping-math (the clamps are
// comparisons) to vectorise, and -fno-thread-jumps to stay fast (core/CMakeLists.txt says why);
// the OpenMP sources in core/CMakeLists.txt have both.
#include <cstdint>
#include <cstring>

// Loops that call vectorExp run about 2.7 times faster compiled for AVX2 and FMA than for the
// x86-64 baseline (measured on SwiGLU's forward). A kernel is written once as an always-inline
// body and compiled twice, once with TUNEBENCH_TARGET_AVX2_FMA; cpuHasAvx2Fma() picks one.
#if defined(__x86_64__) && defined(__GNUC__)
#define TUNEBENCH_TARGET_AVX2_FMA __attribute__((target("avx2,fma")))
#else
#define TUNEBENCH_TARGET_AVX2_FMA
#endif
#define TUNEBENCH_ALWAYS_INLINE inline __attribute__((always_inline))

namespace tunebench {

// Set by tests, to run the baseline versions on a CPU that has AVX2.
inline bool& baselineKernelsForced() {
  static bool forced = false;
  return forced;
}

inline bool cpuHasAvx2Fma() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has && !baselineKernelsForced();
#else
  return false;
#endif
}

TUNEBENCH_ALWAYS_INLINE float vectorExp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // x = n·ln2 + r with n an integer and |r| ≤ ln2/2; eˣ = 2ⁿ·eʳ.
  const float roundingShift = 12582912.0f;  // 1.5·2²³: adding and subtracting it rounds
  const float n = (x * 1.44269504088896341f + roundingShift) - roundingShift;
  // ln2 in two parts, the first exact in few bits, so that n·ln2 loses nothing.
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  // eʳ by its Taylor series to r⁷ (the next term is below 5e-9 for |r| ≤ ln2/2).
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t exponentBits = (static_cast<int32_t>(n) + 127) << 23;
  float twoToN;
  std::memcpy(&twoToN, &exponentBits, sizeof twoToN);
  return p * twoToN;
}

}  // namespace tunebench
