#include "export/RunExport.h"

#include <algorithm>
#include <atomic>
#include <filesystem>

#include <unistd.h>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/FolderDigest.h"
#include "export/ExportFolder.h"
#include "plugins/RunExportSource.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

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

// What an exporter sees of the job's context: its progress comes first, and two more steps
// (hashing, recording) follow it, so that the total the user sees covers the whole export.
class ExporterContext : public JobContext {
 public:
  explicit ExporterContext(JobContext& outer) : outer_(outer) {}
  bool isCanceled() const override { return outer_.isCanceled(); }
  void waitIfPaused() override { outer_.waitIfPaused(); }
  void progress(int64_t done, int64_t total, const std::string& text) override {
    total_ = std::max<int64_t>(total, 0);
    outer_.progress(done, total_ + kStepsAfter, text);
  }
  void metric(int64_t step, const std::string& key, double value) override {
    outer_.metric(step, key, value);
  }
  void log(LogLevel level, const std::string& text) override { outer_.log(level, text); }
  void event(const std::string& kind, int64_t fromStep, int64_t toStep,
             const std::string& message) override {
    outer_.event(kind, fromStep, toStep, message);
  }
  int64_t total() const { return total_ + kStepsAfter; }
  int64_t stepsDone() const { return total_; }

  static constexpr int64_t kStepsAfter = 2;

 private:
  JobContext& outer_;
  int64_t total_ = 0;
};

}  // namespace

RunExportJob::RunExportJob(const PluginRegistry& plugins, RunExportRequest request)
    : request_(std::move(request)), exporter_(plugins.exporter(request_.format)) {}

void RunExportJob::run(JobContext& context) {
  const auto& r = request_;
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
  }
  if (const auto refusal = exporter_->refusal(source, r.checkpointStep); !refusal.empty())
    throw Error(runText +
                (r.checkpointStep ? " checkpoint step " + std::to_string(*r.checkpointStep)
                                  : std::string("'s final model")) +
                " cannot be exported as " + exporter_->displayName() + " (" + r.format +
                "): " + refusal);

  const fs::path destination =
      r.destination.empty()
          ? fs::path(defaultExportFolder(projectFolder.string(), run->name, r.format))
          : fs::absolute(r.destination).lexically_normal();
  std::error_code ec;
  if (fs::exists(destination, ec) &&
      (!fs::is_directory(destination, ec) || !fs::is_empty(destination, ec)))
    throw Error(destination.string() +
                " already exists: choose a new or empty folder, so that nothing is overwritten");

  ExporterContext exporterContext(context);
  int64_t done = 0;
  auto nextPhase = [&](const std::string& text) -> bool {
    context.waitIfPaused();
    if (context.isCanceled()) return false;
    context.progress(done, exporterContext.total(), text);
    ++done;
    return true;
  };
  auto canceled = [&] {
    result_ = {};
    result_.canceled = true;
    context.progress(done, exporterContext.total(), "export canceled");
  };

  TemporaryFolder temporary(temporaryNameFor(destination));
  const fs::path& out = temporary.path();
  if (context.isCanceled()) return canceled();
  ExportRequest exportRequest;
  exportRequest.run = source;
  exportRequest.runName = run->name;
  exportRequest.checkpointStep = r.checkpointStep;
  exportRequest.checkpointFolder = checkpointFolder;
  exportRequest.outputFolder = out.string();
  exportRequest.settings = r.settings;
  exporter_->exportModel(exportRequest, exporterContext);
  if (context.isCanceled()) return canceled();
  done = exporterContext.stepsDone();

  if (!nextPhase("computing SHA-256")) return canceled();
  const auto files = folderFiles(out.string());
  const std::string sha256 =
      folderSha256(out.string(), [&](uint64_t, uint64_t) { return !context.isCanceled(); });
  if (sha256.empty()) return canceled();

  if (!nextPhase("recording the export")) return canceled();
  publishFolder(out, destination);
  temporary.release();
  try {
    std::optional<int64_t> checkpointId;
    if (r.checkpointStep)
      checkpointId = store::CheckpointRepository(project).findOrRegister(run->id, *r.checkpointStep,
                                                                         checkpointFolder);
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
  context.progress(exporterContext.total(), exporterContext.total(),
                   "exported to " + destination.string());
}

}  // namespace tunebench
