#include "eval/ModelChoices.h"

#include <QObject>
#include <filesystem>

#include "eval/RunEvaluationTarget.h"
#include "eval/TrainedPromptFormat.h"
#include "store/EvaluationOverview.h"

namespace tunebench::ui {

QString ModelChoice::label() const {
  const QString run = QObject::tr("Run %1 “%2”").arg(runId).arg(runName);
  return checkpointStep < 0 ? QObject::tr("%1, final model").arg(run)
                            : QObject::tr("%1, step %2").arg(run).arg(checkpointStep);
}

std::vector<ModelChoice> readModelChoices(const std::string& projectFile) {
  const auto projectFolder = std::filesystem::path(projectFile).parent_path().string();
  std::vector<ModelChoice> choices;
  for (const auto& run : store::readRuns(projectFile)) {
    ModelChoice final;
    final.runId = run.id;
    final.runName = QString::fromStdString(run.name);
    const auto target = runEvaluationTarget(run.config, projectFolder);
    final.baseModelFolder = QString::fromStdString(target.baseModelFolder);
    final.trainedPreset = trainedPromptPreset(target.trainFile, target.promptField);
    const bool baseThere =
        !target.baseModelFolder.empty() &&
        std::filesystem::exists(std::filesystem::path(target.baseModelFolder) / "config.json");
    if (!target.adapterFolder.empty() && baseThere) {
      // The base model with the run's adapter: the same weights as the merged final model.
      final.source = {target.baseModelFolder, target.adapterFolder, {}};
    } else {
      final.source = target.source();
      final.problem = QString::fromStdString(target.problem);
    }
    choices.push_back(final);
    std::vector<RunCheckpoint> checkpoints;
    try {
      checkpoints = readRunCheckpoints(projectFile, run.id);
    } catch (const std::exception&) {
      continue;  // the run's final model is still listed
    }
    for (const auto& checkpoint : checkpoints) {
      const auto at = runCheckpointTarget(run.config, projectFolder, checkpoint.folder);
      ModelChoice choice = final;
      choice.checkpointStep = checkpoint.step;
      choice.source = at.source();
      choice.problem = QString::fromStdString(at.problem);
      choices.push_back(choice);
    }
  }
  return choices;
}

}  // namespace tunebench::ui
