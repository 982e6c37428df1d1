#pragma once
// The language-model objectives' common part: each example is a token sequence whose labelled
// positions carry a next-token cross-entropy loss, normalised by the step's target tokens;
// validation reports the mean token loss and its perplexity. CausalLmObjective and SftObjective
// differ in which tokens are labelled (all of them, or the response only).
#include "train/TrainingObjective.h"

namespace tunebench {

class TokenLossObjective : public TrainingObjective {
 public:
  explicit TokenLossObjective(const TrainingConfig& config) : config_(config) {}

  void loadData(const TextEncoder& encoder, const TokenCache* cache, JobContext& context) override;
  int64_t trainingExamples() const override { return static_cast<int64_t>(train_.examples.size()); }
  bool hasValidation() const override { return !validation_.examples.empty(); }
  std::string dataFingerprint() const override { return train_.fingerprint; }
  ObjectiveStep accumulate(CausalLMImpl& model, torch::optim::Optimizer& optimizer,
                           const std::vector<size_t>& examples, int64_t microBatch) override;
  ValidationReport validate(CausalLMImpl& model, int64_t batchSize) override;

 protected:
  const TrainingConfig& config_;
  TrainingDataset train_;
  TrainingDataset validation_;
};

// Reads a training or validation file (`role` names which in messages) as the config's objective
// tokenises it, reporting progress and stopping when canceled (tunebench::Canceled); logs a
// token-cache hit and cut examples.
TrainingDataset loadObjectiveData(const TrainingConfig& config, const std::string& role,
                                  const std::string& path, const TextEncoder& encoder,
                                  const TokenCache* cache, JobContext& context,
                                  const std::vector<std::string>& classLabels = {});

}  // namespace tunebench
