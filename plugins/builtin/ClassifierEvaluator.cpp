#include "builtin/ClassifierEvaluator.h"

#include "builtin/EvaluatorSettings.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ClassifierSource.h"

namespace tunebench::builtin {

bool ClassifierEvaluator::suits(const ModelSource& model) const {
  return !classifierLabels(model).empty();
}

EvaluatorResult ClassifierEvaluator::evaluate(const EvaluatorRequest& request,
                                              JobContext& context) {
  const auto& settings = request.settings;
  ClassifierEvaluationOptions options;
  options.textField = textSetting(settings, "text_field", options.textField);
  options.labelField = textSetting(settings, "label_field", options.labelField);
  options.maxLength = countSetting(settings, "max_length", options.maxLength, 2);
  options.batchSize = countSetting(settings, "batch_size", options.batchSize, 1);
  options.maxExamples = countSetting(settings, "limit", options.maxExamples, 0);
  return classifierScores(evaluateClassifier(request.model, request.dataFile, options, &context));
}

nlohmann::json ClassifierEvaluator::scoringSettings(const nlohmann::json& settings) const {
  const ClassifierEvaluationOptions defaults;
  return {{"text_field", textSetting(settings, "text_field", defaults.textField)},
          {"label_field", textSetting(settings, "label_field", defaults.labelField)},
          {"max_length", countSetting(settings, "max_length", defaults.maxLength, 2)},
          {"limit", countSetting(settings, "limit", defaults.maxExamples, 0)}};
}

}  // namespace tunebench::builtin
