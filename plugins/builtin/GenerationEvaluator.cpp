#include "builtin/GenerationEvaluator.h"

#include "builtin/EvaluatorSettings.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ClassifierSource.h"

namespace tunebench::builtin {

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
  context.progress(0, 0, "reading " + request.dataFile);
  const auto examples = loadEvalExamples(request.dataFile, promptField, responseField);
  if (context.isCanceled()) {
    EvaluationResult canceled;
    canceled.canceled = true;
    return generationScores(canceled);
  }
  return generationScores(evaluateModel(request.model, examples, options, &context));
}

nlohmann::json GenerationEvaluator::scoringSettings(const nlohmann::json& settings) const {
  EvaluationOptions options;
  options.maxNewTokens = countSetting(settings, "max_new_tokens", options.maxNewTokens, 0);
  options.maxExamples = countSetting(settings, "limit", options.maxExamples, 0);
  return generationScoringSettings(textSetting(settings, "prompt_field", "prompt"),
                                   textSetting(settings, "response_field", "response"), options);
}

}  // namespace tunebench::builtin
