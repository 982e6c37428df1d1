#pragma once
// Training checkpoints: everything needed to continue a run exactly. A checkpoint is a folder
// <output>/checkpoints/step-NNNNNNNN holding trainable.safetensors (weights being trained and the
// RNG state), optimizer.pt, state.json and, written last, DONE. It is assembled under a
// ".partial" name, every file fsynced, then renamed and the parent folder fsynced: a folder
// without DONE, or still named .partial, is never picked up.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <nlohmann/json.hpp>

#include "train/CheckpointList.h"

namespace tunebench {

struct TrainerState {
  int64_t step = 0;      // optimiser steps completed
  int64_t epoch = 0;     // epoch in progress
  int64_t position = 0;  // examples of this epoch's order already consumed
  double bestValidationLoss = std::numeric_limits<double>::infinity();
  int64_t bestStep = -1;
  int64_t evaluationsWithoutImprovement = 0;
  std::string datasetFingerprint;
  std::string baseModelFingerprint;
  nlohmann::json diagnosis;  // detector state, so events do not repeat after a resume
  nlohmann::json toJson() const;
  static TrainerState fromJson(const nlohmann::json& json, const std::string& source);
};

std::string checkpointFolderName(int64_t step);

// Writes a complete checkpoint and returns its folder.
std::string writeCheckpoint(const std::string& checkpointsRoot, const torch::nn::Module& model,
                            const torch::optim::Optimizer& optimizer, const TrainerState& state,
                            const nlohmann::json& config);

// The complete checkpoint with the highest step, if any.
std::optional<std::string> latestCheckpoint(const std::string& checkpointsRoot);

// Restores trainable weights, optimiser state and the CPU RNG; returns the trainer state.
TrainerState readCheckpoint(const std::string& folder, torch::nn::Module& model,
                            torch::optim::Optimizer& optimizer);

// Copies a complete checkpoint's trained weights (not its random state) into `model`, which must
// carry the modules the run trained (adapters, head). Throws naming the tensor when one has no
// place in the model or another shape; with `requireAdapters`, also when the model has LoRA
// tensors the checkpoint lacks. Returns how many tensors were copied (at least one).
size_t loadCheckpointWeights(torch::nn::Module& model, const std::string& checkpointFolder,
                             bool requireAdapters = false);

// Deletes complete checkpoints beyond the newest `keep`, never the one of `protectedStep`, and
// any leftover .partial folders.
void rotateCheckpoints(const std::string& checkpointsRoot, int64_t keep, int64_t protectedStep);

}  // namespace tunebench
