#pragma once
// The training job: runs a TrainingConfig on a background thread, reporting through the
// JobContext (metrics per optimiser step, validation, diagnosis events), writing checkpoints
// that let `resume` continue exactly where it stopped. What is trained for (the loss, the data,
// validation's figures) is the config's objective (train/TrainingObjective.h); this job is the
// loop around it.
#include <functional>
#include <string>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "train/TrainingConfig.h"
#include "train/TrainingResult.h"

namespace tunebench {

// Calls into a running trainer, on its thread; unset ones are skipped.
struct TrainerHooks {
  // Before each optimiser step (and before the pause check that precedes it), with the number of
  // steps done. Tests pace a run with it: a gate here makes what they observe independent of the
  // machine's speed.
  std::function<void(int64_t stepsDone)> beforeStep;
  // After each backward pass, before the optimiser step (tests inject faults here).
  std::function<void(int64_t step, CausalLMImpl& model)> afterBackward;
};

class Trainer : public Job {
 public:
  // With resume, continues from the newest complete checkpoint in the output folder.
  Trainer(TrainingConfig config, bool resume);

  std::string name() const override { return "training"; }
  void run(JobContext& context) override;
  const TrainingResult& result() const { return result_; }

  TrainerHooks hooks;

 private:
  TrainingConfig config_;
  bool resume_;
  TrainingResult result_;
};

}  // namespace tunebench
