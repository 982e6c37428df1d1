#pragma once
// The built-in training objectives, one file each; ObjectiveRegistry.cpp maps the config's
// objective to them.
#include <memory>

#include "train/TrainingObjective.h"

namespace tunebench {

std::unique_ptr<TrainingObjective> makeCausalLmObjective(const TrainingConfig& config);
std::unique_ptr<TrainingObjective> makeSftObjective(const TrainingConfig& config);
std::unique_ptr<TrainingObjective> makeClassificationObjective(const TrainingConfig& config);

}  // namespace tunebench
