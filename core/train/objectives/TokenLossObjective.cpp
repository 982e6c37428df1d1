#include "train/objectives/TokenLossObjective.h"

#include <cmath>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "train/TokenCache.h"
#include "train/TrainingBatches.h"
#include "train/TrainingSetup.h"

namespace tunebench {

TrainingDataset loadObjectiveData(const TrainingConfig& config, const std::string& role,
                                  const std::string& path, const TextEncoder& encoder,
                                  const TokenCache* cache, JobContext& context,
                                  const std::vector<std::string>& classLabels) {
  context.progress(0, 0, "tokenising " + path);
  auto progress = [&](int64_t done, int64_t total) {
    if (context.isCanceled()) throw Canceled("tokenising " + path);
    context.progress(done, total, "tokenising " + path);
  };
  auto dataset = loadTrainingDataset(path, config.data, config.objective, encoder, cache,
                                     classLabels, progress);
  if (dataset.fromCache)
    context.log(LogLevel::Info, "tokens of " + path + " read from the token cache (" +
                                    cache->folder().string() + ")");
  if (dataset.truncated > 0)
    context.log(LogLevel::Warning, std::to_string(dataset.truncated) + " " + role +
                                       " examples were cut at " +
                                       std::to_string(config.data.maxLength) + " tokens");
  return dataset;
}

void TokenLossObjective::loadData(const TextEncoder& encoder, const TokenCache* cache,
                                  JobContext& context) {
  train_ = loadObjectiveData(config_, "training", config_.data.trainPath, encoder, cache, context);
  if (!config_.data.validationPath.empty())
    validation_ = loadObjectiveData(config_, "validation", config_.data.validationPath, encoder,
                                    cache, context);
}

ObjectiveStep TokenLossObjective::accumulate(CausalLMImpl& model,
                                             torch::optim::Optimizer& optimizer,
                                             const std::vector<size_t>& examples,
                                             int64_t microBatch) {
  std::vector<const TokenizedExample*> stepExamples;
  stepExamples.reserve(examples.size());
  for (const size_t index : examples) stepExamples.push_back(&train_.examples[index]);
  const auto gradients = accumulateStepGradients(model, optimizer, stepExamples, microBatch);
  return {gradients.loss, gradients.tokens, {}};
}

ValidationReport TokenLossObjective::validate(CausalLMImpl& model, int64_t batchSize) {
  const double loss = evaluateLoss(model, validation_.examples, batchSize);
  return {loss, {{"val_perplexity", std::exp(loss)}}};
}

}  // namespace tunebench
