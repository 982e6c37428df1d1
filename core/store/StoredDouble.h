#pragma once
// SQLite turns NaN into NULL, so REAL columns that may hold NaN or ±Inf come with a kind column:
// 0 finite (value holds it), 1 NaN, 2 +Inf, 3 -Inf (value NULL, so MIN/MAX skip them).
// -0.0 reads back as 0.0: SQLite stores a REAL that is integral as an integer.
#include <cmath>
#include <limits>

namespace tunebench::store {

enum StoredDoubleKind { kFiniteValue = 0, kNaNValue = 1, kPlusInfValue = 2, kMinusInfValue = 3 };

inline int storedKindOf(double value) {
  if (std::isnan(value)) return kNaNValue;
  if (std::isinf(value)) return value > 0 ? kPlusInfValue : kMinusInfValue;
  return kFiniteValue;
}

inline double decodeStoredDouble(int kind, double stored) {
  switch (kind) {
    case kNaNValue:
      return std::numeric_limits<double>::quiet_NaN();
    case kPlusInfValue:
      return std::numeric_limits<double>::infinity();
    case kMinusInfValue:
      return -std::numeric_limits<double>::infinity();
    default:
      return stored;
  }
}

}  // namespace tunebench::store
