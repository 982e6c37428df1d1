#pragma once
// Runs every task of a benchmark suite (eval/BenchmarkSuite.h) on one or more models (a base model
// and the model fine-tuned from it, say), one after another, each as an EvaluationJob recorded the
// way its model's request says (a run, a checkpoint, a project's model, or not at all). Progress
// counts across all models and tasks, so that an estimate of the time left covers the whole suite,
// and reads "model 1 of 2, task 2 of 5 (MMLU): ..."; a cancel stops between or within tasks (the
// canceled task is not recorded); a task that fails is reported with its error and the others
// still run.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/BenchmarkSuite.h"
#include "eval/EvaluationJob.h"

namespace tunebench {

struct SuiteTaskOutcome {
  size_t model = 0;  // index into the job's models
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
  // Each model in turn, every task on each.
  BenchmarkSuiteJob(const PluginRegistry& plugins, BenchmarkSuite suite,
                    std::vector<EvaluationRequest> models,
                    nlohmann::json overrides = nlohmann::json::object());

  std::string name() const override { return "benchmark suite"; }
  void run(JobContext& context) override;

  const BenchmarkSuite& suite() const { return suite_; }
  const std::vector<EvaluationRequest>& models() const { return models_; }
  // One per model and task that started, by model, then in the suite's order (valid once run()
  // returned).
  const std::vector<SuiteTaskOutcome>& outcomes() const { return outcomes_; }
  bool canceled() const { return canceled_; }

 private:
  const PluginRegistry& plugins_;
  BenchmarkSuite suite_;
  std::vector<EvaluationRequest> models_;
  nlohmann::json overrides_;
  std::vector<SuiteTaskOutcome> outcomes_;
  bool canceled_ = false;
};

}  // namespace tunebench
