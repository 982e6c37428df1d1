#include "train/ClassificationMetrics.h"

#include <string>

#include "common/Error.h"

namespace tunebench {

namespace {

double ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

ConfusionMatrix::ConfusionMatrix(size_t classes)
    : counts_(classes, std::vector<int64_t>(classes, 0)) {}

void ConfusionMatrix::add(int64_t actual, int64_t predicted) {
  const auto size = static_cast<int64_t>(counts_.size());
  if (actual < 0 || actual >= size || predicted < 0 || predicted >= size)
    throw Error("class index " + std::to_string(actual < 0 || actual >= size ? actual : predicted) +
                " is outside the " + std::to_string(size) + " classes");
  ++counts_[static_cast<size_t>(actual)][static_cast<size_t>(predicted)];
}

ClassificationMetrics ConfusionMatrix::metrics() const {
  ClassificationMetrics result;
  result.perClass.resize(counts_.size());
  int64_t correct = 0;
  for (size_t actual = 0; actual < counts_.size(); ++actual)
    for (size_t predicted = 0; predicted < counts_.size(); ++predicted) {
      const int64_t count = counts_[actual][predicted];
      result.examples += count;
      result.perClass[actual].support += count;
      result.perClass[predicted].predicted += count;
      if (actual == predicted) result.perClass[actual].correct += count, correct += count;
    }
  result.accuracy = ratio(correct, result.examples);
  double f1Sum = 0;
  int counted = 0;
  for (auto& metrics : result.perClass) {
    metrics.precision = ratio(metrics.correct, metrics.predicted);
    metrics.recall = ratio(metrics.correct, metrics.support);
    // 2PR / (P + R) = 2 TP / (support + predicted), which stays defined when either is 0.
    metrics.f1 = ratio(2 * metrics.correct, metrics.support + metrics.predicted);
    if (metrics.support == 0 && metrics.predicted == 0) continue;
    f1Sum += metrics.f1;
    ++counted;
  }
  result.macroF1 = counted > 0 ? f1Sum / counted : 0.0;
  return result;
}

}  // namespace tunebench
