#include "train/TrainingBatches.h"

#include "common/TorchPch.h"
#include "train/ChunkedCrossEntropy.h"

namespace tunebench {

TrainingBatch collate(const std::vector<const TokenizedExample*>& examples, const torch::Device& device) {
  size_t longest = 0;
  bool packed = false;
  for (const auto* example : examples) {
    longest = std::max(longest, example->ids.size());
    packed = packed || !example->segments.empty();
  }
  const int64_t batch = static_cast<int64_t>(examples.size()), length = static_cast<int64_t>(longest);
  auto ids = torch::zeros({batch, length}, torch::kInt64);
  auto labels = torch::full({batch, length}, kIgnoredLabel, torch::kInt64);
  auto segments = torch::full({batch, length}, -1, torch::kInt64);
  auto positions = torch::zeros({batch, length}, torch::kInt64);
  auto idAccess = ids.accessor<int64_t, 2>();
  auto labelAccess = labels.accessor<int64_t, 2>();
  auto segmentAccess = segments.accessor<int64_t, 2>();
  auto positionAccess = positions.accessor<int64_t, 2>();
  auto classLabels = torch::full({batch}, -1, torch::kInt64);
  auto lastIndex = torch::zeros({batch}, torch::kInt64);
  auto classAccess = classLabels.accessor<int64_t, 1>();
  auto lastAccess = lastIndex.accessor<int64_t, 1>();
  bool classified = false;
  TrainingBatch result;
  for (int64_t b = 0; b < batch; ++b) {
    const auto& example = *examples[static_cast<size_t>(b)];
    int64_t position = 0;
    for (size_t t = 0; t < example.ids.size(); ++t) {
      idAccess[b][t] = example.ids[t];
      labelAccess[b][t] = example.labels[t];
      if (packed) {
        const int64_t segment = example.segments.empty() ? 0 : example.segments[t];
        if (t > 0 && segment != segmentAccess[b][t - 1]) position = 0;
        segmentAccess[b][t] = segment;
        positionAccess[b][t] = position++;
      }
      if (t > 0 && example.labels[t] != kIgnoredLabel) ++result.targetTokens;
    }
    result.tokens += static_cast<int64_t>(example.ids.size());
    classAccess[b] = example.classLabel;
    lastAccess[b] = std::max<int64_t>(0, static_cast<int64_t>(example.ids.size()) - 1);
    classified = classified || example.classLabel >= 0;
  }
  if (classified) {
    result.classLabels = classLabels.to(device);
    result.lastIndex = lastIndex.to(device);
  }
  result.inputIds = ids.to(device);
  result.labels = labels.to(device);
  if (packed) {
    result.segmentIds = segments.to(device);
    result.positionIds = positions.to(device);
  }
  return result;
}

torch::Tensor summedTokenLoss(const torch::Tensor& logits, const torch::Tensor& labels) {
  const int64_t length = logits.size(1);
  const auto predictions = logits.narrow(1, 0, length - 1).reshape({-1, logits.size(-1)});
  const auto targets = labels.narrow(1, 1, length - 1).reshape({-1});
  return torch::nn::functional::cross_entropy(
      predictions, targets,
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoredLabel).reduction(torch::kSum));
}

double ClassificationLoss::weightOf(int64_t classIndex) const {
  if (classWeights.empty()) return 1.0;
  return classWeights.at(static_cast<size_t>(classIndex));
}

torch::Tensor summedClassificationLoss(const torch::Tensor& classLogits,
                                       const torch::Tensor& classLabels,
                                       const ClassificationLoss& loss) {
  const auto logProbability =
      torch::log_softmax(classLogits, -1).gather(1, classLabels.unsqueeze(1)).squeeze(1);
  auto perRow = -logProbability;
  if (loss.focal && loss.focalGamma != 0.0)
    perRow = perRow * torch::pow(1.0 - logProbability.exp(), loss.focalGamma);
  if (!loss.classWeights.empty()) {
    const auto weights = torch::tensor(loss.classWeights, torch::kFloat64)
                             .to(classLogits.device(), classLogits.scalar_type());
    perRow = perRow * weights.index_select(0, classLabels);
  }
  return perRow.sum();
}

torch::Tensor classifyBatch(CausalLMImpl& model, const TrainingBatch& batch) {
  ForwardInput input;
  input.inputIds = batch.inputIds;
  return model.classify(input, batch.lastIndex);
}

torch::Tensor forwardBatch(CausalLMImpl& model, const TrainingBatch& batch) {
  ForwardInput input;
  input.inputIds = batch.inputIds;
  input.segmentIds = batch.segmentIds;
  input.positionIds = batch.positionIds;
  return model.forward(input);
}

torch::Tensor summedTokenLoss(CausalLMImpl& model, const TrainingBatch& batch) {
  const auto headWeight = model.plainOutputWeight();
  if (!headWeight.defined()) return summedTokenLoss(forwardBatch(model, batch), batch.labels);
  ForwardInput input;
  input.inputIds = batch.inputIds;
  input.segmentIds = batch.segmentIds;
  input.positionIds = batch.positionIds;
  input.hiddenStatesOnly = true;
  const auto hidden = model.forward(input);
  const int64_t length = hidden.size(1);
  const auto predictions = hidden.narrow(1, 0, length - 1).reshape({-1, hidden.size(-1)});
  const auto targets = batch.labels.narrow(1, 1, length - 1).reshape({-1});
  return chunkedLinearCrossEntropy(predictions, headWeight, targets, kIgnoredLabel);
}

double evaluateLoss(CausalLMImpl& model, const std::vector<TokenizedExample>& examples,
                    int64_t batchSize) {
  torch::NoGradGuard noGrad;
  const auto device = model.parameters().front().device();
  double total = 0;
  int64_t tokens = 0;
  for (size_t start = 0; start < examples.size(); start += static_cast<size_t>(batchSize)) {
    std::vector<const TokenizedExample*> chunk;
    for (size_t i = start; i < std::min(examples.size(), start + static_cast<size_t>(batchSize)); ++i)
      chunk.push_back(&examples[i]);
    const auto batch = collate(chunk, device);
    total += summedTokenLoss(model, batch).item<double>();
    tokens += batch.targetTokens;
  }
  return tokens > 0 ? total / static_cast<double>(tokens) : 0.0;
}

}  // namespace tunebench

namespace tunebench {

ClassificationScore evaluateClassification(CausalLMImpl& model,
                                           const std::vector<TokenizedExample>& examples,
                                           int64_t batchSize, const ClassificationLoss& loss) {
  torch::NoGradGuard noGrad;
  const auto device = model.parameters().front().device();
  ConfusionMatrix confusion(model.config().classLabels.size());
  double total = 0, weights = 0;
  for (size_t start = 0; start < examples.size(); start += static_cast<size_t>(batchSize)) {
    std::vector<const TokenizedExample*> chunk;
    for (size_t i = start; i < std::min(examples.size(), start + static_cast<size_t>(batchSize)); ++i) {
      chunk.push_back(&examples[i]);
      weights += loss.weightOf(examples[i].classLabel);
    }
    const auto batch = collate(chunk, device);
    const auto logits = classifyBatch(model, batch);
    total += summedClassificationLoss(logits, batch.classLabels, loss).item<double>();
    const auto guesses = logits.argmax(-1).cpu();
    for (size_t row = 0; row < chunk.size(); ++row)
      confusion.add(chunk[row]->classLabel, guesses[static_cast<int64_t>(row)].item<int64_t>());
  }
  ClassificationScore score;
  if (examples.empty()) return score;
  const auto metrics = confusion.metrics();
  score.loss = weights > 0 ? total / weights : 0.0;
  score.accuracy = metrics.accuracy;
  score.macroF1 = metrics.macroF1;
  return score;
}

}  // namespace tunebench
