#pragma once
// Uncertainty of evaluation figures. bootstrapInterval: a percentile bootstrap confidence
// interval for any corpus-level metric computed from a multiset of item indices (BLEU from
// summed segment statistics, a mean of per-item scores...): the items are resampled with
// replacement `resamples` times, the metric is computed for each resample, and the interval runs
// between the (1 - confidence) / 2 and (1 + confidence) / 2 percentiles of those values, taken
// as numpy.percentile does by default (linear interpolation), as rouge-score's
// BootstrapAggregator does. The resamples come from std::mt19937_64 with a fixed seed and an
// explicit unbiased index draw, so every platform gives the same interval.
// The mean's standard error is in eval/SampleStatistics.h.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "eval/SampleStatistics.h"

namespace tunebench {

struct BootstrapOptions {
  size_t resamples = 1000;
  double confidence = 0.95;
  uint64_t seed = 12345;
};

struct ConfidenceInterval {
  double estimate = 0;  // the metric on all items, each once
  double low = 0;
  double high = 0;
};

// The metric of the items at these indices (an index may appear several times).
using IndexedMetric = std::function<double(const std::vector<size_t>& itemIndices)>;

// Throws tunebench::Error when itemCount or resamples is 0 or confidence is not in (0, 1).
ConfidenceInterval bootstrapInterval(size_t itemCount, const IndexedMetric& metric,
                                     const BootstrapOptions& options = {});

// A uniformly distributed index in [0, bound) (bound > 0): draws at or above the largest multiple
// of bound that fits in 64 bits are rejected, so no index is favoured.
uint64_t uniformIndex(std::mt19937_64& generator, uint64_t bound);

// numpy.percentile(values, percent) with the default linear interpolation; values need not be
// sorted. Throws tunebench::Error when values is empty.
double linearPercentile(std::vector<double> values, double percent);

}  // namespace tunebench
