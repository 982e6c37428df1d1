#pragma once
// Runs every task of a benchmark suite (eval/BenchmarkSuite.h) on one model, one after another,
// each as an EvaluationJob recorded the way `model` says (a run, a checkpoint, a project's model,
// or not at all). Progress reads "task 2 of 5 (MMLU): ..."; a cancel stops between or within
// tasks (the canceled task is not recorded); a task that fails is reported with its error and the
// others still run.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/BenchmarkSuite.h"
#include "eval/EvaluationJob.h"

namespace tunebench {

struct SuiteTaskOutcome {
  SuiteTask task;
  nlohmann::json settings;  // as run: the task's, the overrides, the default few-shot
  std::string evaluatorId;  // of the evaluator that ran
  EvaluatorResult result;
  int64_t evaluationId = 0;  // 0: not recorded
  std::string error;         // why the task failed; empty when it ran
  bool ran() const { return error.empty() && !result.canceled; }
};

class BenchmarkSuiteJob : public Job {
 public:
  // `model` names the model and where results are recorded; its data file, evaluator, settings
  // and suite name are each task's. `overrides` are laid over every task's settings (the CLI's
  // --fewshot and --limit, a batch size).
  BenchmarkSuiteJob(const PluginRegistry& plugins, BenchmarkSuite suite, EvaluationRequest model,
                    nlohmann::json overrides = nlohmann::json::object());

  std::string name() const override { return "benchmark suite"; }
  void run(JobContext& context) override;

  const BenchmarkSuite& suite() const { return suite_; }
  // One per task that started, in the suite's order (valid once run() returned).
  const std::vector<SuiteTaskOutcome>& outcomes() const { return outcomes_; }
  bool canceled() const { return canceled_; }

 private:
  const PluginRegistry& plugins_;
  BenchmarkSuite suite_;
  EvaluationRequest model_;
  nlohmann::json overrides_;
  std::vector<SuiteTaskOutcome> outcomes_;
  bool canceled_ = false;
};

}  // namespace tunebench
