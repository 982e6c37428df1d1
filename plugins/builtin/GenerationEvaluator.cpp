#include "builtin/GenerationEvaluator.h"

#include <algorithm>

#include "builtin/EvaluatorSettings.h"
#include "common/Error.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ClassifierSource.h"

namespace tunebench::builtin {

ReferenceMetricOptions referenceMetricSettings(const nlohmann::json& settings) {
  const auto names = nameListSetting(settings, "metrics", "metric names");
  for (const auto& name : names)
    if (!isReferenceMetricFamily(name))
      throw Error("evaluation setting \"metrics\": unknown metric \"" + name +
                  "\" (known: " + referenceMetricFamilyList() + ")");
  ReferenceMetricOptions options;
  // In the families' own order, each once: the same metrics in another order score the same.
  for (const auto& family : referenceMetricFamilies())
    if (std::find(names.begin(), names.end(), family) != names.end())
      options.metrics.push_back(family);
  options.rougeStemmer = flagSetting(settings, "rouge_stemmer", options.rougeStemmer);
  options.bootstrapResamples =
      size_t(countSetting(settings, "bootstrap_resamples", int64_t(options.bootstrapResamples), 0));
  options.bootstrapSeed =
      uint64_t(countSetting(settings, "bootstrap_seed", int64_t(options.bootstrapSeed), 0));
  return options;
}

void addReferenceMetrics(const ReferenceMetricOptions& options, EvaluatorResult& result,
                         JobContext& context) {
  if (options.metrics.empty() || result.items.empty()) return;
  context.progress(0, 0, "computing reference metrics");
  std::vector<std::string> predictions, references;
  predictions.reserve(result.items.size());
  references.reserve(result.items.size());
  for (const auto& item : result.items) {
    predictions.push_back(item.output);
    references.push_back(item.expected);
  }
  const auto scores = referenceMetrics(predictions, references, options);
  result.metrics.insert(result.metrics.end(), scores.metrics.begin(), scores.metrics.end());
  for (size_t i = 0; i < result.items.size() && i < scores.items.size(); ++i)
    for (const auto& [name, value] : scores.items[i]) result.items[i].details[name] = value;
  for (const auto& [name, signature] : scores.signatures)
    context.log(LogLevel::Info, name + " signature: " + signature);
}

bool GenerationEvaluator::suits(const ModelSource& model) const {
  return classifierLabels(model).empty();
}

EvaluatorResult GenerationEvaluator::evaluate(const EvaluatorRequest& request,
                                              JobContext& context) {
  const auto& settings = request.settings;
  EvaluationOptions options;
  options.maxNewTokens = countSetting(settings, "max_new_tokens", options.maxNewTokens, 0);
  options.batchSize = countSetting(settings, "batch_size", options.batchSize, 1);
  options.maxExamples = countSetting(settings, "limit", options.maxExamples, 0);
  const auto promptField = textSetting(settings, "prompt_field", "prompt");
  const auto responseField = textSetting(settings, "response_field", "response");
  const auto metricOptions = referenceMetricSettings(settings);
  context.progress(0, 0, "reading " + request.dataFile);
  const auto examples = loadEvalExamples(request.dataFile, promptField, responseField);
  if (context.isCanceled()) {
    EvaluationResult canceled;
    canceled.canceled = true;
    return generationScores(canceled);
  }
  auto scores = generationScores(evaluateModel(request.model, examples, options, &context));
  // A canceled evaluation's figures cover the items done, as the other figures do.
  addReferenceMetrics(metricOptions, scores, context);
  return scores;
}

nlohmann::json GenerationEvaluator::scoringSettings(const nlohmann::json& settings) const {
  EvaluationOptions options;
  options.maxNewTokens = countSetting(settings, "max_new_tokens", options.maxNewTokens, 0);
  options.maxExamples = countSetting(settings, "limit", options.maxExamples, 0);
  auto scoring =
      generationScoringSettings(textSetting(settings, "prompt_field", "prompt"),
                                textSetting(settings, "response_field", "response"), options);
  // Without metrics the identity stays what it was before they existed.
  const auto metrics = referenceMetricSettings(settings);
  if (metrics.metrics.empty()) return scoring;
  scoring["metrics"] = metrics.metrics;
  if (std::find(metrics.metrics.begin(), metrics.metrics.end(), "rouge") != metrics.metrics.end())
    scoring["rouge_stemmer"] = metrics.rougeStemmer;
  scoring["bootstrap_resamples"] = metrics.bootstrapResamples;
  if (metrics.bootstrapResamples > 0) scoring["bootstrap_seed"] = metrics.bootstrapSeed;
  return scoring;
}

}  // namespace tunebench::builtin
