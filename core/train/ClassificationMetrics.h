#pragma once
// Counting a classifier's answers and the figures made from the counts: accuracy, macro-F1 and
// per-class precision, recall and F1 (as scikit-learn's classification_report computes them,
// with 0 where a division has no examples). Validation during training and evaluation of a
// classifier both count here, so that both report the same figures. No LibTorch.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tunebench {

struct ClassMetrics {
  int64_t support = 0;    // examples of the class
  int64_t predicted = 0;  // examples predicted as the class
  int64_t correct = 0;    // examples of the class predicted as it
  double precision = 0, recall = 0, f1 = 0;
};

struct ClassificationMetrics {
  int64_t examples = 0;
  double accuracy = 0;  // share of examples predicted as their class
  // F1 averaged over the classes that occur or are predicted (scikit-learn's average="macro"
  // over the labels it sees).
  double macroF1 = 0;
  std::vector<ClassMetrics> perClass;  // in class order
};

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(size_t classes);

  // Throws tunebench::Error when either index is not a class.
  void add(int64_t actual, int64_t predicted);
  size_t classes() const { return counts_.size(); }
  // Examples of class `actual` predicted as `predicted`.
  int64_t count(size_t actual, size_t predicted) const { return counts_[actual][predicted]; }
  // Rows: the actual class; columns: the predicted one.
  const std::vector<std::vector<int64_t>>& rows() const { return counts_; }
  ClassificationMetrics metrics() const;

 private:
  std::vector<std::vector<int64_t>> counts_;
};

}  // namespace tunebench
