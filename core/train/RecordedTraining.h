#pragma once
// A training run recorded in a project: the job opens its own connection to the project, creates
// the run (or continues a stopped one), marks it running, writes its metrics and events as they
// come and sets its final status. The GUI's Train panel and any other front end use it alike.
// This header does not include LibTorch.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "jobs/JobContext.h"
#include "store/RunRepository.h"
#include "train/TrainingConfig.h"
#include "train/TrainingResult.h"

namespace tunebench {

class RecordedTrainingJob : public Job {
 public:
  // runToResume == 0 starts a new run named runName; otherwise that run continues from the newest
  // complete checkpoint in the config's output folder.
  RecordedTrainingJob(std::string projectFile, TrainingConfig config, std::string runName,
                      int64_t runToResume = 0);

  std::string name() const override { return "training"; }
  void run(JobContext& context) override;

  // The run's id in the project; 0 until the job has created or found it. Any thread may ask.
  int64_t runId() const { return runId_.load(); }
  bool resumed() const { return runToResume_ != 0; }
  const TrainingResult& result() const { return result_; }

  // Handed to the Trainer (Trainer.h, TrainerHooks::beforeStep): called on the training thread
  // before each optimiser step. Set before run().
  std::function<void(int64_t stepsDone)> beforeStep;

 private:
  std::string projectFile_;
  TrainingConfig config_;
  std::string runName_;
  int64_t runToResume_;
  std::atomic<int64_t> runId_{0};
  TrainingResult result_;
};

// The status a run gets from how its training ended ("completed", "stopped", ...).
store::RunStatus runStatusForStopReason(StopReason stopReason);

}  // namespace tunebench
