#pragma once
// The models of a project one can generate with: each run's final model (its base model with its
// adapter when it left one, else its final folder) and each of its complete checkpoints. Read on a
// worker thread (through core's read-only connections); `problem` says why a choice cannot be used.
#include <QString>
#include <optional>
#include <vector>

#include "data/PromptFormat.h"

#include "plugins/ModelSource.h"

namespace tunebench::ui {

struct ModelChoice {
  qint64 runId = 0;
  QString runName;
  qint64 checkpointStep = -1;  // -1: the final model
  ModelSource source;
  QString baseModelFolder;  // what the run trained from
  QString problem;          // empty when it can be used
  // The preset its training prompts were rendered with (read from its training file).
  std::optional<PromptPreset> trainedPreset;

  QString label() const;  // "Run 3 “name”, final model" / "Run 3 “name”, step 20"
};

// Newest run first, its final model before its checkpoints (by step). Throws what core throws
// when the project cannot be read; a run whose checkpoints cannot be listed keeps its final model.
std::vector<ModelChoice> readModelChoices(const std::string& projectFile);

}  // namespace tunebench::ui
