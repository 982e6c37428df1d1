#pragma once
// How a training run ended. Kept apart from Trainer.h so that code without LibTorch (the GUI)
// can read it.
#include <cstdint>
#include <string>

namespace tunebench {

struct TrainingResult {
  int64_t steps = 0;
  double lastLoss = 0.0;
  double bestValidationLoss = 0.0;  // NaN when never evaluated
  std::string stopReason;           // "completed", "early stopping", "stopped", "non-finite loss"
  std::string lastCheckpoint;
  // Empty unless training completed; also empty after prompt tuning and bottleneck adapters,
  // which cannot be merged into a model (their adapter folder is the result).
  std::string finalModelFolder;
  std::string adapterFolder;  // adapter runs: the adapter folder (adapter_config.json), when completed
};

}  // namespace tunebench
