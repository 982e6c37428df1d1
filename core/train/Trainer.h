#pragma once
// The training job: runs a TrainingConfig on a background thread, reporting through the
// JobContext (metrics per optimiser step, validation, diagnosis events), writing checkpoints
// that let `resume` continue exactly where it stopped.
#include <functional>
#include <string>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "train/TrainingConfig.h"

namespace tunebench {

struct TrainingResult {
  int64_t steps = 0;
  double lastLoss = 0.0;
  double bestValidationLoss = 0.0;  // NaN when never evaluated
  std::string stopReason;           // "completed", "early stopping", "stopped", "non-finite loss"
  std::string lastCheckpoint;
  std::string finalModelFolder;     // empty unless training completed
  std::string adapterFolder;        // LoRA/DoRA runs: the adapter in PEFT layout, when completed
};

class Trainer : public Job {
 public:
  // With resume, continues from the newest complete checkpoint in the output folder.
  Trainer(TrainingConfig config, bool resume);

  std::string name() const override { return "training"; }
  void run(JobContext& context) override;
  const TrainingResult& result() const { return result_; }

  // Called after each backward pass, before the optimiser step (tests inject faults here).
  std::function<void(int64_t step, CausalLMImpl& model)> afterBackward;

 private:
  TrainingConfig config_;
  bool resume_;
  TrainingResult result_;
};

// SHA-256 over config.json and the weight files of a model folder.
std::string modelFolderFingerprint(const std::string& folder);

}  // namespace tunebench
