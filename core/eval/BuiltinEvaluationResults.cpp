#include "eval/BuiltinEvaluationResults.h"

#include "eval/EvaluationJob.h"
#include "eval/StoredClassifierEvaluation.h"

namespace tunebench {

namespace {

double metricOr(const EvaluationMetrics& metrics, const std::string& name, double fallback) {
  for (const auto& [key, value] : metrics)
    if (key == name) return value;
  return fallback;
}

template <typename T>
T detailOr(const nlohmann::json& details, const char* key, T fallback) {
  const auto found = details.find(key);
  if (found == details.end() || !found->is_number()) return fallback;
  return found->get<T>();
}

}  // namespace

EvaluatorResult generationScores(const EvaluationResult& result) {
  EvaluatorResult scores;
  scores.metrics = {{"exact_match", result.exactMatch},
                    {"perplexity", result.perplexity},
                    {"mean_nll", result.meanNll},
                    {"examples", static_cast<double>(result.examples)}};
  scores.items.reserve(result.outcomes.size());
  for (const auto& outcome : result.outcomes)
    scores.items.push_back(
        {outcome.prompt,
         outcome.reference,
         outcome.generated,
         outcome.exactMatch ? 1.0 : 0.0,
         {{"response_nll", outcome.responseNll}, {"response_tokens", outcome.responseTokens}}});
  scores.canceled = result.canceled;
  return scores;
}

bool isGenerationEvaluation(const EvaluationMetrics& metrics) {
  bool exactMatch = false, perplexity = false;
  for (const auto& [name, value] : metrics) {
    exactMatch = exactMatch || name == "exact_match";
    perplexity = perplexity || name == "perplexity";
  }
  return exactMatch && perplexity;
}

EvaluationResult generationResultOf(const EvaluatorResult& scores) {
  EvaluationResult result;
  result.examples = static_cast<int64_t>(
      metricOr(scores.metrics, "examples", static_cast<double>(scores.items.size())));
  result.exactMatch = metricOr(scores.metrics, "exact_match", 0.0);
  result.perplexity = metricOr(scores.metrics, "perplexity", 0.0);
  result.meanNll = metricOr(scores.metrics, "mean_nll", 0.0);
  for (const auto& item : scores.items) {
    ExampleOutcome outcome;
    outcome.prompt = item.input;
    outcome.reference = item.expected;
    outcome.generated = item.output;
    outcome.exactMatch = item.score >= 1.0;
    outcome.responseNll = detailOr<double>(item.details, "response_nll", 0.0);
    outcome.responseTokens = detailOr<int64_t>(item.details, "response_tokens", 0);
    result.responseTokens += outcome.responseTokens;
    result.outcomes.push_back(std::move(outcome));
  }
  result.canceled = scores.canceled;
  return result;
}

EvaluatorResult classifierScores(const ClassifierEvaluationResult& result) {
  EvaluatorResult scores;
  scores.metrics = {{"accuracy", result.metrics.accuracy},
                    {"macro_f1", result.metrics.macroF1},
                    {"examples", static_cast<double>(result.metrics.examples)}};
  for (size_t c = 0; c < result.labels.size() && c < result.metrics.perClass.size(); ++c) {
    const auto& perClass = result.metrics.perClass[c];
    scores.metrics.emplace_back("precision " + result.labels[c], perClass.precision);
    scores.metrics.emplace_back("recall " + result.labels[c], perClass.recall);
    scores.metrics.emplace_back("f1 " + result.labels[c], perClass.f1);
  }
  scores.items.reserve(result.outcomes.size());
  for (const auto& outcome : result.outcomes) {
    nlohmann::json details{{"probability", outcome.probability},
                           {"line", outcome.line},
                           {"label_index", outcome.labelIndex},
                           {"predicted_index", outcome.predictedIndex}};
    if (outcome.truncated) details["truncated"] = true;
    scores.items.push_back(
        {outcome.text, outcome.label, outcome.predicted, outcome.correct ? 1.0 : 0.0, details});
  }
  scores.canceled = result.canceled;
  return scores;
}

ClassifierEvaluationResult classifierResultOf(const EvaluatorResult& scores) {
  auto result = storedClassifierResult(scores.metrics, evaluationItems(scores));
  result.canceled = scores.canceled;
  return result;
}

nlohmann::json generationScoringSettings(const std::string& promptField,
                                         const std::string& responseField,
                                         const EvaluationOptions& options) {
  return {{"prompt_field", promptField},
          {"response_field", responseField},
          {"max_new_tokens", options.maxNewTokens},
          {"limit", options.maxExamples}};
}

}  // namespace tunebench
