#pragma once
// What a finished run leaves in its output folder besides checkpoints: the adapter folder of an
// adapter method, and the final model (`final/`, adapters merged) where the method allows one.
#include <string>
#include <vector>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "train/TrainingConfig.h"
#include "train/TrainingResult.h"

namespace tunebench {

// `headLabels`: the classes of the head the objective added (a QLoRA merge loads the base again
// and gives it the same head before the adapter). Fills result.adapterFolder and
// result.finalModelFolder.
void saveTrainingOutputs(CausalLMImpl& model, const TrainingConfig& config,
                         const std::vector<std::string>& headLabels, JobContext& context,
                         TrainingResult& result);

}  // namespace tunebench
