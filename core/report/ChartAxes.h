#pragma once
// Axis ranges, tick positions and tick labels for the report charts (Charts.h). Labels do not
// depend on the C locale.
#include <string>
#include <vector>

namespace tunebench {

struct ChartAxis {
  double lo = 0, hi = 1;  // the axis range; for a log axis, exponents of 10
  bool log = false;
  std::vector<double> ticks;  // labelled positions, in axis units (exponents on a log axis)
  std::vector<std::string> labels;
  std::vector<double> minorTicks;  // unlabelled grid positions (log axis: 2..9 x 10^k)

  // Where value v falls along the axis: 0 at lo, 1 at hi. Values are not clamped.
  double fraction(double v) const;
};

// A linear axis over [lo, hi] (finite, lo <= hi) with about `target` intervals whose step is
// 1, 2 or 5 x 10^k; the range is widened to whole steps. A zero-width range is widened around
// its value first, so that a constant series still gets a usable axis.
ChartAxis linearAxis(double lo, double hi, int target);

// A log axis over positive [lo, hi] with ticks at powers of 10 (every 10^n when the range spans
// more decades than target), widened to whole decades.
ChartAxis logAxis(double lo, double hi, int target);

// A linear tick label: as many decimals as step needs; scientific ("2.5e6", "1e-5") when the
// axis magnitude is 1e6 or more, or below 1e-3.
std::string formatTick(double value, double step, double magnitude);

// A power of ten as a label: "0.001" .. "10000" plainly, "1e5", "1e-4" beyond.
std::string formatPowerOfTen(int exponent);

// A value for a label (bar values): integers plainly, others with 3 significant digits.
std::string formatValue(double value);

}  // namespace tunebench
