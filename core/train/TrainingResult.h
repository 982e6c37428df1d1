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
  std::string finalModelFolder;  // empty unless training completed
  std::string adapterFolder;     // LoRA/DoRA runs: the adapter in PEFT layout, when completed
};

}  // namespace tunebench
