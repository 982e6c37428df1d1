#include "train/RecordedTraining.h"

#include <unistd.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "store/ArtifactRepository.h"
#include "store/EventRepository.h"
#include "store/ProjectStore.h"
#include "store/RunJobContext.h"
#include "store/RunRepository.h"
#include "train/Trainer.h"

namespace tunebench {
namespace {

// Adds the step range to what RunJobContext records: a diagnosis becomes an event of the run with
// its steps in the details, so that a chart drawn later from the project can mark the range.
class EventRecordingContext : public JobContext {
 public:
  EventRecordingContext(store::RunJobContext& recorded, JobContext& outer, store::ProjectStore& db,
                        int64_t runId)
      : recorded_(recorded), outer_(outer), events_(db), runId_(runId) {}

  bool isCanceled() const override { return recorded_.isCanceled(); }
  void waitIfPaused() override { recorded_.waitIfPaused(); }
  void progress(int64_t done, int64_t total, const std::string& text) override {
    recorded_.progress(done, total, text);
  }
  void metric(int64_t step, const std::string& key, double value) override {
    recorded_.metric(step, key, value);
  }
  void log(LogLevel level, const std::string& text) override { recorded_.log(level, text); }
  void event(const std::string& kind, int64_t fromStep, int64_t toStep,
             const std::string& message) override {
    // Metrics up to the event go first, so that the stored curve covers the marked range.
    recorded_.flush();
    const nlohmann::json details{{"from_step", fromStep}, {"to_step", toStep}};
    events_.add(runId_, LogLevel::Warning, kind, message, details.dump());
    outer_.event(kind, fromStep, toStep, message);
  }

 private:
  store::RunJobContext& recorded_;
  JobContext& outer_;
  store::EventRepository events_;
  int64_t runId_;
};

}  // namespace

store::RunStatus runStatusForStopReason(StopReason stopReason) {
  switch (stopReason) {
    case StopReason::Completed:
    case StopReason::EarlyStopping:
      return store::RunStatus::Completed;
    case StopReason::Stopped:
      return store::RunStatus::Stopped;
    // A non-finite loss pauses the run: it can be resumed from its last good checkpoint.
    case StopReason::NonFiniteLoss:
      return store::RunStatus::Paused;
  }
  return store::RunStatus::Failed;
}

RecordedTrainingJob::RecordedTrainingJob(std::string projectFile, TrainingConfig config,
                                         std::string runName, int64_t runToResume)
    : projectFile_(std::move(projectFile)),
      config_(std::move(config)),
      runName_(std::move(runName)),
      runToResume_(runToResume) {}

void RecordedTrainingJob::run(JobContext& context) {
  auto project = store::ProjectStore::open(projectFile_);
  if (project.isReadOnly())
    throw Error(projectFile_ + " is open read-only (" + project.readOnlyReason() +
                "); training needs a project it can write");
  store::RunRepository runs(project);
  int64_t id = runToResume_;
  if (id == 0) {
    store::NewRun run(runName_);
    run.config = trainingConfigToJson(config_).dump();
    // The project's model it trains from, when it is one: its evaluations are the base the
    // run's are compared with (store/BaseModelComparison.h).
    if (const auto model =
            store::ModelRepository(project).findByFolder(project.resolve(config_.modelFolder)))
      run.modelId = model->id;
    id = runs.create(run);
  } else if (!runs.find(id)) {
    throw Error("run " + std::to_string(id) + " is not in " + projectFile_);
  }
  runId_ = id;
  runs.markRunning(id, static_cast<int64_t>(getpid()));

  store::RunJobContext recorded(context, project, id);
  EventRecordingContext events(recorded, context, project, id);
  Trainer trainer(config_, runToResume_ != 0);
  trainer.hooks.beforeStep = beforeStep;
  try {
    trainer.run(events);
  } catch (const std::exception& e) {
    recorded.flush();
    store::EventRepository(project).add(id, LogLevel::Error, "failure", e.what());
    runs.setStatus(id, store::RunStatus::Failed);
    throw;
  }
  result_ = trainer.result();
  recorded.flush();
  runs.setStatus(id, runStatusForStopReason(result_.stopReason));
}

}  // namespace tunebench
