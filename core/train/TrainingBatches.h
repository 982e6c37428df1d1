#pragma once
// From tokenized examples to tensors, and the token-level loss the objectives share.
#include <vector>
#include <torch/types.h>

#include "model/CausalLM.h"
#include "train/TrainingData.h"

namespace tunebench {

struct TrainingBatch {
  torch::Tensor inputIds;     // [B, T], right-padded
  torch::Tensor labels;       // [B, T], kIgnoredLabel on padding
  torch::Tensor segmentIds;   // packed rows only
  torch::Tensor positionIds;  // packed rows only: positions restart in every segment
  int64_t targetTokens = 0;   // positions that carry loss after the shift
  int64_t tokens = 0;         // real tokens
};

TrainingBatch collate(const std::vector<const TokenizedExample*>& examples, const torch::Device& device);

// Sum over positions of the cross-entropy of predicting token t+1 from position t.
torch::Tensor summedTokenLoss(const torch::Tensor& logits, const torch::Tensor& labels);

torch::Tensor forwardBatch(CausalLMImpl& model, const TrainingBatch& batch);

// Mean token loss over a dataset, without gradients.
double evaluateLoss(CausalLMImpl& model, const std::vector<TokenizedExample>& examples,
                    int64_t batchSize);

}  // namespace tunebench
