#include "export/RunExport.h"

#include <atomic>
#include <filesystem>
#include <map>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "export/ExportFolder.h"
#include "export/RunExportSource.h"
#include "model/ModelFolder.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/Checkpoint.h"
#include "train/TrainingSetup.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// The folder being assembled: removed unless the export completes.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(fs::path path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
    if (ec) {
      const std::string problem = "cannot create " + path_.string() + ": " + ec.message();
      path_.clear();
      throw Error(problem);
    }
  }
  ~TemporaryFolder() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

fs::path temporaryNameFor(const fs::path& destination) {
  static std::atomic<int> counter{0};
  return destination.parent_path() / ("." + destination.filename().string() + ".partial-" +
                                      std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

void copyFolderFiles(const fs::path& from, const fs::path& to, JobContext& context) {
  for (const auto& name : exportFolderFiles(from.string())) {
    if (context.isCanceled()) return;
    std::error_code ec;
    fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error("cannot copy " + (from / name).string() + ": " + ec.message());
  }
}

int64_t checkpointRecordId(store::ProjectStore& project, int64_t runId, int64_t step,
                           const std::string& folder) {
  store::CheckpointRepository checkpoints(project);
  for (const auto& checkpoint : checkpoints.forRun(runId))
    if (checkpoint.step == step) return checkpoint.id;
  // Training keeps its checkpoints as files; the one exported is registered now, complete.
  return checkpoints.add(runId, step, folder, exportFolderSha256(folder), true);
}

}  // namespace

void checkExportFormat(const std::string& format) {
  if (format != "merged" && format != "adapter")
    throw Error("unknown export format '" + format + "': use merged or adapter");
}

RunExportJob::RunExportJob(RunExportRequest request) : request_(std::move(request)) {}

void RunExportJob::run(JobContext& context) {
  const auto& r = request_;
  checkExportFormat(r.format);
  result_ = {};
  if (context.isCanceled()) {
    result_.canceled = true;
    return;
  }
  auto project = store::ProjectStore::open(r.projectFile);
  if (project.isReadOnly())
    throw Error(r.projectFile + " is open read-only (" + project.readOnlyReason() +
                "); exporting records the export and needs a project it can write");
  const auto run = store::RunRepository(project).find(r.runId);
  if (!run) throw Error("run " + std::to_string(r.runId) + " is not in " + r.projectFile);
  const std::string runText = "run " + std::to_string(run->id) + " (" + run->name + ")";
  const fs::path projectFolder = fs::absolute(r.projectFile).parent_path();
  const auto source = runExportSource(run->config, projectFolder.string());
  if (!source.problem.empty()) throw Error(runText + " cannot be exported: " + source.problem);
  const bool adapterFormat = r.format == "adapter";
  if (source.unmergeable && (!adapterFormat || r.checkpointStep))
    throw Error(runText +
                " trained prompt tuning or bottleneck adapters, which cannot be merged into the "
                "base model; export its final adapter (adapter format, no checkpoint)");
  if (adapterFormat && !source.usesAdapters && !source.unmergeable)
    throw Error(runText +
                " fine-tuned all weights (full fine-tuning), so it has no adapter to export; "
                "export it in the merged format, which writes its model folder");

  std::string checkpointFolder;
  if (r.checkpointStep) {
    for (const auto& [step, folder] : source.checkpoints)
      if (step == *r.checkpointStep) checkpointFolder = folder;
    if (checkpointFolder.empty()) {
      std::string steps;
      for (const auto& checkpoint : source.checkpoints)
        steps += (steps.empty() ? "" : ", ") + std::to_string(checkpoint.first);
      throw Error(runText + " has no complete checkpoint at step " +
                  std::to_string(*r.checkpointStep) + " (" +
                  (steps.empty() ? std::string("it has none") : "complete ones: " + steps) + ")");
    }
  } else if (const auto problem = finalExportProblem(source, r.format); !problem.empty()) {
    throw Error(runText + "'s final model cannot be exported: " + problem);
  }

  const fs::path destination =
      r.destination.empty()
          ? fs::path(defaultExportFolder(projectFolder.string(), run->name, r.format))
          : fs::absolute(r.destination).lexically_normal();
  std::error_code ec;
  if (fs::exists(destination, ec) &&
      (!fs::is_directory(destination, ec) || !fs::is_empty(destination, ec)))
    throw Error(destination.string() +
                " already exists: choose a new or empty folder, so that nothing is overwritten");

  // The plan, so that progress has a total from the start.
  const bool copyFinal = !r.checkpointStep && (adapterFormat || !source.usesAdapters);
  std::vector<std::string> phases;
  if (copyFinal) {
    phases.push_back(adapterFormat ? "copying the adapter" : "copying the model folder");
  } else {
    phases.push_back("loading the base model " + source.config.modelFolder);
    phases.push_back(r.checkpointStep ? "loading the weights of checkpoint step " +
                                            std::to_string(*r.checkpointStep)
                                      : "loading the adapter " + source.adapterFolder);
    if (!adapterFormat && source.usesAdapters) phases.push_back("merging the adapter");
    phases.push_back(adapterFormat ? "writing the adapter" : "writing the model folder");
  }
  phases.push_back("computing SHA-256");
  phases.push_back("recording the export");
  const auto total = static_cast<int64_t>(phases.size());
  int64_t done = 0;
  auto nextPhase = [&]() -> bool {
    context.waitIfPaused();
    if (context.isCanceled()) return false;
    context.progress(done, total, phases[static_cast<size_t>(done)]);
    ++done;
    return true;
  };
  auto canceled = [&] {
    result_ = {};
    result_.canceled = true;
    context.progress(done, total, "export canceled");
  };

  TemporaryFolder temporary(temporaryNameFor(destination));
  const fs::path& out = temporary.path();
  if (copyFinal) {
    if (!nextPhase()) return canceled();
    copyFolderFiles(adapterFormat ? source.adapterFolder : source.finalModelFolder, out, context);
    if (context.isCanceled()) return canceled();
  } else {
    if (!nextPhase()) return canceled();
    auto loaded = withContext("loading the base model " + source.config.modelFolder,
                              [&] { return loadModelFolder(source.config.modelFolder); });
    auto& model = *loaded.model;
    model.eval();
    if (!nextPhase()) return canceled();
    // A classifier's head comes after the adapters, as in training; its classes are those of
    // the run's final model, or of its training file when the run has none yet.
    auto attachClassifierHead = [&] {
      if (source.config.objective != Objective::Classification || model.isClassifier()) return;
      const auto finalConfig = fs::path(source.finalModelFolder) / "config.json";
      const auto labels = fs::exists(finalConfig)
                              ? loadModelConfig(finalConfig.string()).classLabels
                              : resolveClassLabels(source.config);
      model.attachClassificationHead(labels, source.config.seed);
    };
    if (r.checkpointStep) {
      if (source.usesAdapters) applyLora(model, source.config.method.lora);
      attachClassifierHead();
      loadCheckpointWeights(model, checkpointFolder, source.usesAdapters);
    } else {
      attachClassifierHead();
      loadPeftAdapter(model, source.adapterFolder, source.config.method.lora.adapterName);
    }
    if (!adapterFormat && source.usesAdapters) {
      if (!nextPhase()) return canceled();
      mergeAndUnloadLora(model);
    }
    if (!nextPhase()) return canceled();
    if (adapterFormat) {
      savePeftAdapter(model, out.string(), source.config.method.lora.adapterName,
                      source.config.modelFolder);
    } else {
      SaveOptions save;
      save.tokenizerSourceFolder = source.config.modelFolder;
      saveModelFolder(model, out.string(), save);
    }
  }

  if (!nextPhase()) return canceled();
  const auto files = exportFolderFiles(out.string());
  const std::string sha256 =
      exportFolderSha256(out.string(), [&](uint64_t, uint64_t) { return !context.isCanceled(); });
  if (sha256.empty()) return canceled();

  if (!nextPhase()) return canceled();
  publishFolder(out, destination);
  temporary.release();
  try {
    std::optional<int64_t> checkpointId;
    if (r.checkpointStep)
      checkpointId = checkpointRecordId(project, run->id, *r.checkpointStep, checkpointFolder);
    result_.exportId =
        store::ExportRepository(project).add(run->id, checkpointId, r.format, destination, sha256);
  } catch (...) {
    // An export the project does not know of would be a stray folder: take it away again.
    fs::remove_all(destination, ec);
    throw;
  }
  result_.folder = destination.string();
  result_.sha256 = sha256;
  result_.files = files.size();
  result_.bytes = pathBytes(destination.string());
  context.progress(total, total, "exported to " + destination.string());
}

}  // namespace tunebench
