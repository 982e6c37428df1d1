#pragma once
// From tokenized examples to tensors, and the token-level loss the objectives share.
#include <vector>
#include <torch/types.h>

#include "model/CausalLM.h"
#include "train/ClassificationMetrics.h"
#include "train/TrainingData.h"

namespace tunebench {

struct TrainingBatch {
  torch::Tensor inputIds;     // [B, T], right-padded
  torch::Tensor labels;       // [B, T], kIgnoredLabel on padding
  torch::Tensor segmentIds;   // packed rows only
  torch::Tensor positionIds;  // packed rows only: positions restart in every segment
  torch::Tensor classLabels;  // [B], classification only
  torch::Tensor lastIndex;    // [B]: each row's last real token, where a classifier reads
  int64_t targetTokens = 0;   // positions that carry loss after the shift
  int64_t tokens = 0;         // real tokens
};

// How a classifier's loss weighs examples: per-class weights (as scikit-learn's class_weight)
// and, for focal loss, the (1 - p)^gamma factor that shrinks the loss of easy examples.
struct ClassificationLoss {
  std::vector<double> classWeights;  // per class index; empty: all 1
  bool focal = false;
  double focalGamma = 2.0;
  double weightOf(int64_t classIndex) const;
};

// Sum over rows of w[y] * -log p(y), times (1 - p(y))^gamma for focal loss. Dividing by the sum
// of w[y] gives the weighted mean, as PyTorch's cross_entropy(weight=...) computes it.
torch::Tensor summedClassificationLoss(const torch::Tensor& classLogits,
                                       const torch::Tensor& classLabels,
                                       const ClassificationLoss& loss);

TrainingBatch collate(const std::vector<const TokenizedExample*>& examples, const torch::Device& device);

// Sum over positions of the cross-entropy of predicting token t+1 from position t.
torch::Tensor summedTokenLoss(const torch::Tensor& logits, const torch::Tensor& labels);

torch::Tensor forwardBatch(CausalLMImpl& model, const TrainingBatch& batch);

// The same sum for a batch, computed without the full logits where the model's head allows it
// (train/ChunkedCrossEntropy.h): what training and validation use.
torch::Tensor summedTokenLoss(CausalLMImpl& model, const TrainingBatch& batch);

torch::Tensor classifyBatch(CausalLMImpl& model, const TrainingBatch& batch);

// Mean token loss over a dataset, without gradients.
double evaluateLoss(CausalLMImpl& model, const std::vector<TokenizedExample>& examples,
                    int64_t batchSize);

struct ClassificationScore {
  double loss = 0;      // weighted mean, as in training
  double accuracy = 0;  // share of examples whose highest logit is their class
  double macroF1 = 0;   // F1 averaged over the classes that occur or are predicted
};
ClassificationScore evaluateClassification(CausalLMImpl& model,
                                           const std::vector<TokenizedExample>& examples,
                                           int64_t batchSize, const ClassificationLoss& loss);

}  // namespace tunebench
