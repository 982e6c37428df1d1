#include "Stage.h"

#include <QObject>

namespace tunebench::ui {

const std::vector<StageDescription>& allStages() {
  static const std::vector<StageDescription> stages = {
      {Stage::Data, QObject::tr("Data"),
       QObject::tr("Import, clean, profile, split and balance training data.")},
      {Stage::Model, QObject::tr("Model"),
       QObject::tr("Open a Hugging Face model folder or the built-in starter model.")},
      {Stage::Setup, QObject::tr("Setup"),
       QObject::tr("Choose the method, hyperparameters and optimiser; see the memory estimate.")},
      {Stage::Train, QObject::tr("Train"),
       QObject::tr("Run training in the background with live curves; pause, stop, resume.")},
      {Stage::Evaluate, QObject::tr("Evaluate"),
       QObject::tr("Perplexity, benchmarks, safety checks and side-by-side generation.")},
      {Stage::Export, QObject::tr("Export"),
       QObject::tr("Write a merged Hugging Face folder, a PEFT adapter or GGUF.")},
      {Stage::Monitor, QObject::tr("Monitor"),
       QObject::tr("Model versions and their evaluation history; regressions flagged.")},
  };
  return stages;
}

QString stageStateText(StageState state) {
  switch (state) {
    case StageState::Done:
      return QObject::tr("done");
    case StageState::NeedsAttention:
      return QObject::tr("needs attention");
    case StageState::NotYet:
      break;
  }
  return QObject::tr("not yet");
}

}  // namespace tunebench::ui
