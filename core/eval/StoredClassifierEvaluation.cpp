#include "eval/StoredClassifierEvaluation.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench {

namespace {

const std::string kF1Prefix = "f1 ";

nlohmann::json detailsOf(const store::EvaluationItem& item) {
  const auto details = parseJsonOrDiscarded(item.details);
  return details.is_object() ? details : nlohmann::json::object();
}

int64_t indexIn(const nlohmann::json& details, const char* key) {
  const auto found = details.find(key);
  return found != details.end() && found->is_number_integer() ? found->get<int64_t>() : -1;
}

}  // namespace

bool isClassifierEvaluation(const std::vector<std::pair<std::string, double>>& metrics) {
  bool accuracy = false, macroF1 = false;
  for (const auto& [name, value] : metrics) {
    if (name == "exact_match") return false;
    accuracy = accuracy || name == "accuracy";
    macroF1 = macroF1 || name == "macro_f1";
  }
  return accuracy && macroF1;
}

ClassifierEvaluationResult storedClassifierResult(
    const std::vector<std::pair<std::string, double>>& metrics,
    const std::vector<store::EvaluationItem>& items) {
  // Head order where an item records it; classes no item names keep the metrics' order after.
  std::map<std::string, int64_t> headIndex;
  for (const auto& [name, value] : metrics)
    if (name.rfind(kF1Prefix, 0) == 0) headIndex.emplace(name.substr(kF1Prefix.size()), -1);
  for (const auto& item : items) {
    const auto details = detailsOf(item);
    for (const auto& [label, key] :
         {std::pair{item.expected, "label_index"}, std::pair{item.output, "predicted_index"}}) {
      const auto found = headIndex.find(label);
      if (found != headIndex.end() && found->second < 0) found->second = indexIn(details, key);
    }
  }
  ClassifierEvaluationResult result;
  for (const auto& [label, index] : headIndex) result.labels.push_back(label);
  std::stable_sort(result.labels.begin(), result.labels.end(),
                   [&](const std::string& a, const std::string& b) {
                     const auto left = headIndex.at(a), right = headIndex.at(b);
                     if (left < 0 || right < 0) return left >= 0 && right < 0;
                     return left < right;
                   });
  std::map<std::string, int64_t> position;
  for (size_t i = 0; i < result.labels.size(); ++i)
    position[result.labels[i]] = static_cast<int64_t>(i);
  ConfusionMatrix confusion(result.labels.size());
  for (const auto& item : items) {
    const auto actual = position.find(item.expected), predicted = position.find(item.output);
    if (actual == position.end() || predicted == position.end())
      throw Error("stored item " + std::to_string(item.index + 1) + ": class \"" +
                  (actual == position.end() ? item.expected : item.output) +
                  "\" is not among the evaluation's classes");
    confusion.add(actual->second, predicted->second);
    const auto details = detailsOf(item);
    ClassifiedExample outcome;
    outcome.line = std::max<int64_t>(0, indexIn(details, "line"));
    outcome.text = item.input;
    outcome.label = item.expected;
    outcome.predicted = item.output;
    outcome.labelIndex = actual->second;
    outcome.predictedIndex = predicted->second;
    if (details.contains("probability") && details["probability"].is_number())
      outcome.probability = details["probability"].get<double>();
    outcome.correct = actual->second == predicted->second;
    const auto truncated = details.find("truncated");
    outcome.truncated =
        truncated != details.end() && truncated->is_boolean() && truncated->get<bool>();
    result.truncated += outcome.truncated ? 1 : 0;
    result.outcomes.push_back(std::move(outcome));
  }
  result.metrics = confusion.metrics();
  result.confusion = confusion.rows();
  return result;
}

}  // namespace tunebench
