#include "export/RunModelWriting.h"

#include <filesystem>
#include <vector>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "export/ExportFolder.h"
#include "model/ModelFolder.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "train/Checkpoint.h"
#include "train/TrainingSetup.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// Progress through a plan of named phases, so that the total is known from the start.
class Phases {
 public:
  Phases(JobContext& context, std::vector<std::string> names)
      : context_(context), names_(std::move(names)) {}
  // Reports the next phase; false when the context canceled.
  bool next() {
    context_.waitIfPaused();
    if (context_.isCanceled()) return false;
    context_.progress(done_, static_cast<int64_t>(names_.size()),
                      names_[static_cast<size_t>(done_)]);
    ++done_;
    return true;
  }

 private:
  JobContext& context_;
  std::vector<std::string> names_;
  int64_t done_ = 0;
};

bool fromCheckpoint(const ExportRequest& request) {
  return !request.checkpointFolder.empty();
}

std::vector<std::string> rebuildPhases(const ExportRequest& request) {
  const auto& run = request.run;
  return {"loading the base model " + run.config.modelFolder,
          fromCheckpoint(request) ? "loading the weights of checkpoint step " +
                                        std::to_string(request.checkpointStep.value_or(0))
                                  : "loading the adapter " + run.adapterFolder};
}

LoadedModel loadBaseModel(const ExportRequest& request) {
  const auto& folder = request.run.config.modelFolder;
  auto loaded =
      withContext("loading the base model " + folder, [&] { return loadModelFolder(folder); });
  loaded.model->eval();
  return loaded;
}

// The run's trained weights on its base model: a classifier's head comes after the adapters, as
// in training; its classes are those of the run's final model, or of its training file when the
// run has none yet.
void loadTrainedWeights(CausalLMImpl& model, const ExportRequest& request) {
  const auto& run = request.run;
  auto attachClassifierHead = [&] {
    if (run.config.objective != Objective::Classification || model.isClassifier()) return;
    const auto finalConfig = fs::path(run.finalModelFolder) / "config.json";
    const auto labels = fs::exists(finalConfig) ? loadModelConfig(finalConfig.string()).classLabels
                                                : resolveClassLabels(run.config);
    model.attachClassificationHead(labels, run.config.seed);
  };
  if (fromCheckpoint(request)) {
    if (run.usesAdapters) applyLora(model, run.config.method.lora);
    attachClassifierHead();
    loadCheckpointWeights(model, request.checkpointFolder, run.usesAdapters);
  } else {
    attachClassifierHead();
    loadPeftAdapter(model, run.adapterFolder, run.config.method.lora.adapterName);
  }
}

}  // namespace

void writeMergedModelFolder(const ExportRequest& request, JobContext& context) {
  const auto& run = request.run;
  if (!fromCheckpoint(request) && !run.usesAdapters) {
    Phases phases(context, {"copying the model folder"});
    if (!phases.next()) return;
    copyFolderFiles(run.finalModelFolder, request.outputFolder, context);
    return;
  }
  auto names = rebuildPhases(request);
  if (run.usesAdapters) names.push_back("merging the adapter");
  names.push_back("writing the model folder");
  Phases phases(context, std::move(names));
  if (!phases.next()) return;
  auto loaded = loadBaseModel(request);
  if (!phases.next()) return;
  loadTrainedWeights(*loaded.model, request);
  if (run.usesAdapters) {
    if (!phases.next()) return;
    mergeAndUnloadLora(*loaded.model);
  }
  if (!phases.next()) return;
  SaveOptions save;
  save.tokenizerSourceFolder = run.config.modelFolder;
  saveModelFolder(*loaded.model, request.outputFolder, save);
}

void writeAdapterFolder(const ExportRequest& request, JobContext& context) {
  const auto& run = request.run;
  if (!fromCheckpoint(request)) {
    Phases phases(context, {"copying the adapter"});
    if (!phases.next()) return;
    copyFolderFiles(run.adapterFolder, request.outputFolder, context);
    return;
  }
  auto names = rebuildPhases(request);
  names.push_back("writing the adapter");
  Phases phases(context, std::move(names));
  if (!phases.next()) return;
  auto loaded = loadBaseModel(request);
  if (!phases.next()) return;
  loadTrainedWeights(*loaded.model, request);
  if (!phases.next()) return;
  savePeftAdapter(*loaded.model, request.outputFolder, run.config.method.lora.adapterName,
                  run.config.modelFolder);
}

}  // namespace tunebench
