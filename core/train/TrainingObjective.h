#pragma once
// A training objective: what the trainer's loop (Trainer.cpp) asks of the task it trains for.
// The loop owns the model, the optimiser and its schedule, checkpoints, pausing and metrics; an
// objective owns its data and decides how one optimiser step's loss and gradients come from its
// examples, what validation reports, and which modules the model needs besides the method's.
//
// Causal LM, SFT and sequence classification implement it (train/objectives/). An objective with
// a second model in memory (DPO's frozen reference, PPO's value model) loads it in attach(); one
// that generates inside the step (PPO, GRPO) does so in accumulate(), which may run any number of
// forward passes before its backward pass. Adding an objective is a new file plus its row in
// ObjectiveRegistry.cpp: the loop does not change. docs/architecture.md has the details.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "train/TrainingConfig.h"
#include "train/TrainingData.h"

namespace tunebench {

class TokenCache;

struct ObjectiveMetric {
  std::string key;  // metric name as recorded ("reward_margin")
  double value = 0;
};

struct ObjectiveStep {
  double loss = 0;                       // the step's loss, as reported and checked for finiteness
  int64_t tokens = 0;                    // tokens the step processed (for tokens per second)
  std::vector<ObjectiveMetric> metrics;  // further figures of the step, recorded beside "loss"
};

struct ValidationReport {
  double loss = 0;  // what the best checkpoint and early stopping follow: lower is better
  std::vector<ObjectiveMetric> metrics;  // recorded beside "val_loss"
};

class TrainingObjective {
 public:
  virtual ~TrainingObjective() = default;
  virtual Objective kind() const = 0;

  // Reads the training and validation files (with progress and cancel through the context).
  // Runs before the model is built, so that what the model needs from the data is known.
  virtual void loadData(const TextEncoder& encoder, const TokenCache* cache,
                        JobContext& context) = 0;
  virtual int64_t trainingExamples() const = 0;
  virtual bool hasValidation() const = 0;
  // Changes when the training data or the settings that shape it change (resume checks it).
  virtual std::string dataFingerprint() const = 0;
  // The classes of the head this objective puts on the model; empty: the language-model head.
  virtual std::vector<std::string> headLabels() const { return {}; }

  // After the model is built and its method applied: load further models here.
  virtual void attach(CausalLMImpl& model, JobContext& context) {
    (void)model;
    (void)context;
  }
  // Zeroes the gradients, then runs forward and backward over one optimiser step's examples
  // (indices into the training data) in micro-batches of `microBatch` examples.
  virtual ObjectiveStep accumulate(CausalLMImpl& model, torch::optim::Optimizer& optimizer,
                                   const std::vector<size_t>& examples, int64_t microBatch) = 0;
  // Scores the validation data without gradients (the model is in eval mode).
  virtual ValidationReport validate(CausalLMImpl& model, int64_t batchSize) = 0;
};

// The objective a config asks for (ObjectiveRegistry.cpp).
std::unique_ptr<TrainingObjective> makeTrainingObjective(const TrainingConfig& config);

}  // namespace tunebench
