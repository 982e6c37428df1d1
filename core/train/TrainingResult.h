#pragma once
// How a training run ended. Kept apart from Trainer.h so that code without LibTorch (the GUI)
// can read it.
#include <cstdint>
#include <string>

#include "common/EnumNames.h"

namespace tunebench {

enum class StopReason {
  Completed,      // every step ran
  EarlyStopping,  // validation stopped improving (complete, as far as the run is concerned)
  Stopped,        // canceled by the user; resumable from the last checkpoint
  NonFiniteLoss,  // a step's loss or gradient was not finite; paused at the last good checkpoint
};

// "completed", "early stopping", "stopped", "non-finite loss": in messages, logs and records.
const EnumNames<StopReason>& stopReasonNames();
inline const char* stopReasonName(StopReason reason) {
  return fileNameOf(stopReasonNames(), reason);
}

struct TrainingResult {
  int64_t steps = 0;
  double lastLoss = 0.0;
  double bestValidationLoss = 0.0;  // NaN when never evaluated
  StopReason stopReason = StopReason::Completed;
  std::string lastCheckpoint;
  // Empty unless training completed; also empty after prompt tuning and bottleneck adapters,
  // which cannot be merged into a model (their adapter folder is the result).
  std::string finalModelFolder;
  std::string
      adapterFolder;  // adapter runs: the adapter folder (adapter_config.json), when completed
  // Completed or stopped early by validation: the run's outputs were saved.
  bool finished() const {
    return stopReason == StopReason::Completed || stopReason == StopReason::EarlyStopping;
  }
};

}  // namespace tunebench
