#include "report/ChartAxes.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tunebench {

namespace {

// The smallest of 1, 2, 5 x 10^k that is at least raw (raw > 0).
double niceStep(double raw) {
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

// value with the given format and precision, independent of the C locale (labels are file
// content: a decimal comma would change with the user's settings).
std::string formatted(double value, std::chars_format format, int precision) {
  char buffer[400];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format, precision);
  return std::string(buffer, result.ptr);
}

// Scientific output tidied: "2.50e+06" -> "2.5e6", "1.0e-05" -> "1e-5".
std::string tidyScientific(const std::string& s) {
  const size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mantissa = s.substr(0, e), exponent = s.substr(e + 1);
  if (mantissa.find('.') != std::string::npos) {
    while (mantissa.back() == '0') mantissa.pop_back();
    if (mantissa.back() == '.') mantissa.pop_back();
  }
  std::string sign;
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    if (exponent[0] == '-') sign = "-";
    exponent.erase(0, 1);
  }
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  return mantissa + "e" + sign + exponent;
}

}  // namespace

double ChartAxis::fraction(double v) const {
  const double at = log ? std::log10(v) : v;
  return hi > lo ? (at - lo) / (hi - lo) : 0.5;
}

ChartAxis linearAxis(double lo, double hi, int target) {
  target = std::max(target, 1);
  if (hi < lo) std::swap(lo, hi);
  // Constant (or constant up to rounding): widen around the value.
  if (!(hi - lo > std::max(std::abs(lo), std::abs(hi)) * 1e-12)) {
    const double centre = (lo + hi) / 2;
    const double half = centre == 0 ? 1 : std::abs(centre) * 0.1;
    lo = centre - half;
    hi = centre + half;
  }
  const double step = niceStep((hi - lo) / target);
  ChartAxis axis;
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  axis.lo = first * step;
  axis.hi = last * step;
  const double magnitude = std::max(std::abs(axis.lo), std::abs(axis.hi));
  for (double k = first; k <= last + 0.5; k += 1) {
    double v = k * step;
    if (std::abs(v) < step * 1e-9) v = 0;
    axis.ticks.push_back(v);
    axis.labels.push_back(formatTick(v, step, magnitude));
  }
  return axis;
}

ChartAxis logAxis(double lo, double hi, int target) {
  target = std::max(target, 1);
  if (hi < lo) std::swap(lo, hi);
  int first = int(std::floor(std::log10(lo) + 1e-9));
  int last = int(std::ceil(std::log10(hi) - 1e-9));
  if (last <= first) {                           // one value, or all within one decade's boundary
    if (std::log10(hi) - first < 1e-9) --first;  // an exact power: centre it
    last = std::max(last, first + 1);
    if (last - first == 1 && std::abs(std::log10(lo) - std::log10(hi)) < 1e-12) ++last;
  }
  // Every stride-th power, aligned to multiples of stride, at most target intervals.
  int stride = 1;
  auto alignedIntervals = [&](int k) {
    return int(std::ceil(double(last) / k)) - int(std::floor(double(first) / k));
  };
  while (alignedIntervals(stride) > target) ++stride;
  first = int(std::floor(double(first) / stride)) * stride;
  last = int(std::ceil(double(last) / stride)) * stride;
  ChartAxis axis;
  axis.log = true;
  axis.lo = first;
  axis.hi = last;
  for (int e = first; e <= last; e += stride) {
    axis.ticks.push_back(e);
    axis.labels.push_back(formatPowerOfTen(e));
    if (stride == 1 && e < last && last - first <= 5)
      for (int m = 2; m <= 9; ++m) axis.minorTicks.push_back(e + std::log10(double(m)));
  }
  return axis;
}

std::string formatTick(double value, double step, double magnitude) {
  if (value == 0) return "0";
  const int stepExponent = int(std::floor(std::log10(step) + 1e-9));
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    const int valueExponent = int(std::floor(std::log10(std::abs(value)) + 1e-9));
    const int decimals = std::clamp(valueExponent - stepExponent, 0, 15);
    return tidyScientific(formatted(value, std::chars_format::scientific, decimals));
  }
  return formatted(value, std::chars_format::fixed, std::clamp(-stepExponent, 0, 15));
}

std::string formatPowerOfTen(int exponent) {
  if (exponent >= 0 && exponent <= 4) return "1" + std::string(size_t(exponent), '0');
  if (exponent < 0 && exponent >= -3) return "0." + std::string(size_t(-exponent - 1), '0') + "1";
  return "1e" + std::to_string(exponent);
}

std::string formatValue(double value) {
  if (std::isfinite(value) && value == std::round(value) && std::abs(value) < 1e15)
    return formatted(value, std::chars_format::fixed, 0);
  return tidyScientific(formatted(value, std::chars_format::general, 3));
}

}  // namespace tunebench
