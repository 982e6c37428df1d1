#pragma once
// A classifier's evaluation as the project stores it (recordEvaluatorResult), read back:
// which stored evaluations are a classifier's, and its figures recounted from the stored items,
// so that an earlier evaluation shows the same confusion matrix and figures as a fresh one.
// No LibTorch.
#include <string>
#include <utility>
#include <vector>

#include "eval/ClassifierEvaluation.h"
#include "store/EvaluationRepository.h"

namespace tunebench {

// A classifier's evaluation stores accuracy and macro_f1 (a language model's exact_match).
bool isClassifierEvaluation(const std::vector<std::pair<std::string, double>>& metrics);

// The classes are those of the "f1 <class>" metrics, in the head order the items record
// (details label_index / predicted_index); the items' expected and output labels are counted.
// Throws tunebench::Error naming the item when an item's label is not one of the classes.
ClassifierEvaluationResult storedClassifierResult(
    const std::vector<std::pair<std::string, double>>& metrics,
    const std::vector<store::EvaluationItem>& items);

}  // namespace tunebench
