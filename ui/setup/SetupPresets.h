#pragma once
// Starting points for the Setup form: hyperparameters and method from the fine-tuning guide's
// best practices (§5.6, §6.3). A preset changes neither the model nor the data files.
#include <QString>
#include <functional>
#include <vector>

#include "train/TrainingConfig.h"

namespace tunebench::ui {

struct SetupPreset {
  QString name;
  QString description;  // shown as the tooltip: what it sets and why
  std::function<void(TrainingConfig&)> apply;
};

const std::vector<SetupPreset>& setupPresets();

}  // namespace tunebench::ui
