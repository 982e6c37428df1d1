#pragma once
// Finding the complete checkpoints of a run's output folder without loading them (no LibTorch
// here, so that the GUI can list them). A checkpoint is <root>/step-NNNNNNNN with a DONE marker;
// see train/Checkpoint.h for how they are written.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tunebench {

// (step, folder) of every complete checkpoint under checkpointsRoot, by step; none when the
// folder does not exist.
std::vector<std::pair<int64_t, std::string>> completeCheckpoints(
    const std::string& checkpointsRoot);

}  // namespace tunebench
