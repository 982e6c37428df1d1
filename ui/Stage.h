#pragma once
#include <QString>
#include <vector>

namespace tunebench::ui {

// The seven stages of fine-tuning, in the order the navigator shows them.
enum class Stage { Data, Model, Setup, Train, Evaluate, Export, Monitor };

struct StageDescription {
  Stage stage;
  QString title;
  QString summary;  // what the stage is for, one sentence
};

const std::vector<StageDescription>& allStages();

// How far a project is with a stage, as the navigator shows it.
enum class StageState { NotYet, NeedsAttention, Done };

QString stageStateText(StageState state);

}  // namespace tunebench::ui
