#include "eval/BootstrapInterval.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/Error.h"

namespace tunebench {

ConfidenceInterval bootstrapInterval(size_t itemCount, const IndexedMetric& metric,
                                     const BootstrapOptions& options) {
  if (itemCount == 0) throw Error("bootstrap interval: there are no items to resample");
  if (options.resamples == 0) throw Error("bootstrap interval: resamples must be at least 1");
  if (!(options.confidence > 0 && options.confidence < 1))
    throw Error("bootstrap interval: confidence must lie between 0 and 1");
  std::vector<size_t> indices(itemCount);
  for (size_t i = 0; i < itemCount; ++i) indices[i] = i;
  ConfidenceInterval interval;
  interval.estimate = metric(indices);
  std::mt19937_64 generator(options.seed);
  std::vector<double> values;
  values.reserve(options.resamples);
  for (size_t resample = 0; resample < options.resamples; ++resample) {
    for (size_t& index : indices) index = size_t(uniformIndex(generator, itemCount));
    values.push_back(metric(indices));
  }
  const double tail = (1 - options.confidence) / 2;
  interval.low = linearPercentile(values, 100 * tail);
  interval.high = linearPercentile(values, 100 * (1 - tail));
  return interval;
}

uint64_t uniformIndex(std::mt19937_64& generator, uint64_t bound) {
  const uint64_t largest = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = largest - largest % bound;
  uint64_t draw = generator();
  while (draw >= limit) draw = generator();
  return draw % bound;
}

double linearPercentile(std::vector<double> values, double percent) {
  if (values.empty()) throw Error("percentile of no values");
  std::sort(values.begin(), values.end());
  const double position = percent / 100 * double(values.size() - 1);
  const size_t below = std::min(size_t(std::floor(position)), values.size() - 1);
  const size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - double(below);
  // numpy's _lerp, which interpolates from the nearer end.
  const double difference = values[above] - values[below];
  if (fraction >= 0.5) return values[above] - difference * (1 - fraction);
  return values[below] + difference * fraction;
}

}  // namespace tunebench
