#pragma once
// 64-bit integer arithmetic for template expressions. Python's integers never overflow; a
// template here gets a named error instead of a wrapped value (signed overflow is undefined in
// C++, and INT64_MIN / -1 traps).
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "common/Error.h"

namespace tunebench::jinja {

[[noreturn]] inline void integerOverflow(int64_t a, const char* op, int64_t b) {
  throw Error("integer overflow: " + std::to_string(a) + " " + op + " " + std::to_string(b) +
              " does not fit in 64 bits");
}

inline int64_t checkedAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) integerOverflow(a, "+", b);
  return out;
}

inline int64_t checkedSubtract(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_sub_overflow(a, b, &out)) integerOverflow(a, "-", b);
  return out;
}

inline int64_t checkedMultiply(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_mul_overflow(a, b, &out)) integerOverflow(a, "*", b);
  return out;
}

inline int64_t checkedNegate(int64_t a) {
  if (a == std::numeric_limits<int64_t>::min())
    throw Error("integer overflow: -(" + std::to_string(a) + ") does not fit in 64 bits");
  return -a;
}

// Python's a // b (rounds toward negative infinity); b must not be 0.
inline int64_t floorDivide(int64_t a, int64_t b) {
  if (b == -1) return checkedNegate(a);
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Python's a % b (takes the sign of b); b must not be 0.
inline int64_t floorModulo(int64_t a, int64_t b) {
  if (b == -1) return 0;
  const int64_t r = a % b;
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

// base ** exponent for exponent >= 0, or nothing when the result does not fit in 64 bits.
inline std::optional<int64_t> integerPower(int64_t base, int64_t exponent) {
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1)
      if (__builtin_mul_overflow(result, base, &result)) return std::nullopt;
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) return std::nullopt;
  }
  return result;
}

// The integer part of a float when it fits in 64 bits (not NaN, not infinite, in range).
inline std::optional<int64_t> truncatedInteger(double d) {
  constexpr double kLimit = 9223372036854775808.0;  // 2^63, exact as a double
  if (std::isnan(d) || d >= kLimit || d < -kLimit) return std::nullopt;
  return static_cast<int64_t>(d);
}

// A float used where an integer is needed (an index, a count): out-of-range values saturate.
inline int64_t saturatedInteger(double d) {
  if (std::isnan(d)) return 0;
  if (auto exact = truncatedInteger(d)) return *exact;
  return d < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
}

}  // namespace tunebench::jinja
