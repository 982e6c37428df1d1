// Sequence classification: a head over the last token's hidden state predicts one class per
// text; the loss is cross-entropy (or focal), optionally weighted per class. Validation reports
// accuracy and macro-F1 beside the loss.
#include <cstdio>
#include <optional>

#include "common/TorchPch.h"
#include "train/TrainingBatches.h"
#include "train/TrainingSetup.h"
#include "train/objectives/Objectives.h"
#include "train/objectives/TokenLossObjective.h"

namespace tunebench {
namespace {

class ClassificationObjective : public TrainingObjective {
 public:
  explicit ClassificationObjective(const TrainingConfig& config) : config_(config) {}

  Objective kind() const override { return Objective::Classification; }
  std::vector<std::string> headLabels() const override { return labels_; }
  int64_t trainingExamples() const override { return static_cast<int64_t>(train_.examples.size()); }
  bool hasValidation() const override { return !validation_.examples.empty(); }
  std::string dataFingerprint() const override { return train_.fingerprint; }

  void loadData(const TextEncoder& encoder, const TokenCache* cache, JobContext& context) override {
    labels_ = resolveClassLabels(config_);
    const auto& data = config_.data;
    train_ =
        loadObjectiveData(config_, "training", data.trainPath, encoder, cache, context, labels_);
    if (!data.validationPath.empty())
      validation_ = loadObjectiveData(config_, "validation", data.validationPath, encoder, cache,
                                      context, labels_);
    loss_ = classificationLossFor(config_, labels_, train_.examples);
    logClasses(context);
  }

  ObjectiveStep accumulate(CausalLMImpl& model, torch::optim::Optimizer& optimizer,
                           const std::vector<size_t>& examples, int64_t microBatch) override {
    std::vector<const TokenizedExample*> stepExamples;
    stepExamples.reserve(examples.size());
    for (const size_t index : examples) stepExamples.push_back(&train_.examples[index]);
    const auto gradients =
        accumulateStepGradients(model, optimizer, stepExamples, microBatch, &loss_);
    return {gradients.loss, gradients.tokens, {}};
  }

  ValidationReport validate(CausalLMImpl& model, int64_t batchSize) override {
    const auto score = evaluateClassification(model, validation_.examples, batchSize, loss_);
    return {score.loss, {{"val_accuracy", score.accuracy}, {"val_macro_f1", score.macroF1}}};
  }

 private:
  // The classes, their training counts and loss weights, so the user sees an imbalance.
  void logClasses(JobContext& context) const {
    const auto counts = classCounts(train_.examples, labels_.size());
    std::string summary;
    for (size_t i = 0; i < labels_.size(); ++i) {
      char weight[32] = "";
      if (!loss_.classWeights.empty())
        std::snprintf(weight, sizeof weight, ", weight %.3g", loss_.classWeights[i]);
      summary += (i ? "; " : "") + labels_[i] + ": " + std::to_string(counts[i]) + weight;
    }
    context.log(LogLevel::Info, std::string("classes (training examples") +
                                    (loss_.classWeights.empty() ? "" : ", loss weight") +
                                    "): " + summary + (loss_.focal ? "; focal loss" : ""));
  }

  const TrainingConfig& config_;
  std::vector<std::string> labels_;
  TrainingDataset train_;
  TrainingDataset validation_;
  ClassificationLoss loss_;
};

}  // namespace

std::unique_ptr<TrainingObjective> makeClassificationObjective(const TrainingConfig& config) {
  return std::make_unique<ClassificationObjective>(config);
}

}  // namespace tunebench
