#include "eval/SampleStatistics.h"

#include <cmath>
#include <numeric>

namespace tunebench {

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double meanStandardError(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double average = mean(values);
  double squares = 0.0;
  for (double value : values) squares += (value - average) * (value - average);
  const double count = static_cast<double>(values.size());
  return std::sqrt(squares / (count - 1.0)) / std::sqrt(count);
}

double pooledStandardError(const std::vector<double>& standardErrors,
                           const std::vector<size_t>& sizes) {
  double weighted = 0.0, total = 0.0;
  for (size_t i = 0; i < sizes.size() && i < standardErrors.size(); ++i) {
    const double size = static_cast<double>(sizes[i]);
    weighted += (size - 1.0) * standardErrors[i] * standardErrors[i] * size;
    total += size;
  }
  const double degrees = total - static_cast<double>(sizes.size());
  if (degrees <= 0.0 || total <= 0.0) return 0.0;
  return std::sqrt(weighted / degrees / total);
}

}  // namespace tunebench
