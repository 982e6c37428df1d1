#pragma once
// A run config in a few lines a person checks before starting: the method with its key settings,
// the objective and text length, the schedule, and where the run writes. What the Train stage
// shows under its form, so that "will this train LoRA?" has an answer without opening Setup.
#include <string>
#include <vector>

#include "train/TrainingConfig.h"

namespace tunebench {

// "Method: LoRA (r 16, alpha 32, dropout 0.05; on q_proj, v_proj)", "Objective: …", … One line
// each; the output line names `outputFolder` when the config has none yet.
std::vector<std::string> describeRunConfig(const TrainingConfig& config,
                                           const std::string& outputFolder = {});

}  // namespace tunebench
