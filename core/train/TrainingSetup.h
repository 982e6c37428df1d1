#pragma once
// What training builds before its first step and what one optimiser step does, shared by the
// Trainer and the dry-run estimate so that the estimate measures exactly what training runs.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include "jobs/JobContext.h"
#include "model/ModelFolder.h"
#include "train/TrainingBatches.h"
#include "train/TrainingConfig.h"
#include "train/TrainingData.h"

namespace tunebench {

struct PreparedModel {
  LoadedModel loaded;
  std::vector<torch::Tensor> trainable;  // the parameters the optimiser updates
  int64_t trainableParameters = 0;
  int64_t totalParameters = 0;
  CausalLMImpl& model() { return *loaded.model; }
};

// Loads the model folder in training mode and applies the config's freezing and method (LoRA or
// DoRA adapters). Call after seeding: adapter initial values follow from the seed. A
// classification objective also gets its head over `classLabels` (always trainable).
PreparedModel prepareModelForTraining(const TrainingConfig& config, JobContext& context,
                                      const std::vector<std::string>& classLabels = {});

// The classes of a classification run: classification.labels, else the training file's labels.
std::vector<std::string> resolveClassLabels(const TrainingConfig& config);

// The loss settings of a classification run; "balanced" weights come from the training examples'
// class counts. Errors name the class that is unknown or has no training example.
ClassificationLoss classificationLossFor(const TrainingConfig& config,
                                         const std::vector<std::string>& classLabels,
                                         const std::vector<TokenizedExample>& trainExamples);

// How the training set is cut into optimiser steps.
struct StepPlan {
  int64_t batchSize = 0;     // examples per micro-batch
  int64_t accumulation = 0;  // micro-batches per step
  int64_t perStep = 0;       // examples per step
  int64_t stepsPerEpoch = 0;
  int64_t totalSteps = 0;
};
StepPlan planSteps(const TrainingConfig& config, int64_t examples);

// The order in which an epoch visits the examples: the same for a seed and epoch in every run.
std::vector<size_t> epochOrder(size_t count, uint64_t seed, int64_t epoch);

struct StepGradients {
  double loss = 0;     // mean over the step's target tokens (or weighted mean over examples)
  int64_t tokens = 0;  // real tokens in the step
  int64_t targetTokens = 0;
};

// Zeroes the gradients, then runs forward and backward over the step's micro-batches of
// `batchSize` examples; the loss is normalised by the step's target tokens, or for a classifier
// (`classification` given) by the step's summed example weights.
StepGradients accumulateStepGradients(CausalLMImpl& model, torch::optim::Optimizer& optimizer,
                                      const std::vector<const TokenizedExample*>& stepExamples,
                                      int64_t batchSize,
                                      const ClassificationLoss* classification = nullptr);

}  // namespace tunebench
