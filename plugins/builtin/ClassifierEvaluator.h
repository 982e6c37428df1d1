#pragma once
#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "classifier": a sequence classifier on JSON Lines labelled texts: accuracy, macro-F1,
// per-class precision/recall/F1 and each text's predicted class (eval/ClassifierEvaluation.h).
// Settings: text_field ("text"), label_field ("label"), max_length (256), batch_size (8),
// limit (0 = all).
class ClassifierEvaluator : public Evaluator {
 public:
  std::string id() const override { return "classifier"; }
  std::string displayName() const override { return "Classifier accuracy and F1"; }
  std::string description() const override {
    return "a sequence classifier on labelled texts: accuracy, macro-F1, per-class figures and "
           "the confusion matrix";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

}  // namespace tunebench::builtin
