#include "train/TrainingResult.h"

namespace tunebench {

const EnumNames<StopReason>& stopReasonNames() {
  static const EnumNames<StopReason> names = {
      {StopReason::Completed, "completed", "Completed"},
      {StopReason::EarlyStopping, "early stopping", "Stopped early (validation)"},
      {StopReason::Stopped, "stopped", "Stopped"},
      {StopReason::NonFiniteLoss, "non-finite loss", "Paused: non-finite loss"}};
  return names;
}

}  // namespace tunebench
