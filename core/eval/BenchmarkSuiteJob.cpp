#include "eval/BenchmarkSuiteJob.h"

#include <algorithm>
#include <exception>

#include "common/Error.h"

namespace tunebench {

namespace {

// Progress steps a task counts in the whole suite's progress.
constexpr int64_t kTaskSteps = 1000;

// Passes everything through, with the task named in front of the text and its progress placed
// among all the tasks': task `index` of `count` covers [index, index + 1) × kTaskSteps.
class TaskContext : public JobContext {
 public:
  TaskContext(JobContext& outer, std::string prefix, int64_t index, int64_t count)
      : outer_(outer), prefix_(std::move(prefix)), index_(index), count_(count) {}
  bool isCanceled() const override { return outer_.isCanceled(); }
  void waitIfPaused() override { outer_.waitIfPaused(); }
  void progress(int64_t done, int64_t total, const std::string& text) override {
    // A task reports stages (tokenising, then scoring) that each start again from zero: the
    // suite's progress keeps the furthest point reached.
    if (total > 0)
      within_ = std::max(within_, std::clamp<int64_t>(done * kTaskSteps / total, 0, kTaskSteps));
    outer_.progress(index_ * kTaskSteps + within_, count_ * kTaskSteps, prefix_ + text);
  }
  void metric(int64_t step, const std::string& key, double value) override {
    outer_.metric(step, key, value);
  }
  void log(LogLevel level, const std::string& text) override { outer_.log(level, prefix_ + text); }

 private:
  JobContext& outer_;
  std::string prefix_;
  int64_t index_, count_;
  int64_t within_ = 0;
};

}  // namespace

BenchmarkSuiteJob::BenchmarkSuiteJob(const PluginRegistry& plugins, BenchmarkSuite suite,
                                     EvaluationRequest model, nlohmann::json overrides)
    : BenchmarkSuiteJob(plugins, std::move(suite), std::vector<EvaluationRequest>{std::move(model)},
                        std::move(overrides)) {}

BenchmarkSuiteJob::BenchmarkSuiteJob(const PluginRegistry& plugins, BenchmarkSuite suite,
                                     std::vector<EvaluationRequest> models,
                                     nlohmann::json overrides)
    : plugins_(plugins),
      suite_(std::move(suite)),
      models_(std::move(models)),
      overrides_(std::move(overrides)) {
  if (suite_.tasks.empty()) throw Error("the benchmark suite has no task");
  if (models_.empty()) throw Error("a benchmark suite needs a model to evaluate");
}

void BenchmarkSuiteJob::run(JobContext& context) {
  outcomes_.clear();
  canceled_ = false;
  const size_t tasks = suite_.tasks.size();
  const auto count = static_cast<int64_t>(tasks * models_.size());
  for (size_t m = 0; m < models_.size(); ++m) {
    for (size_t i = 0; i < tasks; ++i) {
      if (context.isCanceled()) {
        canceled_ = true;
        return;
      }
      const auto& task = suite_.tasks[i];
      SuiteTaskOutcome outcome;
      outcome.model = m;
      outcome.task = task;
      std::string prefix = models_.size() > 1 ? "model " + std::to_string(m + 1) + " of " +
                                                    std::to_string(models_.size()) + ", "
                                              : std::string();
      prefix += "task " + std::to_string(i + 1) + " of " + std::to_string(tasks) + " (" +
                task.displayName() + "): ";
      TaskContext taskContext(context, prefix, static_cast<int64_t>(m * tasks + i), count);
      try {
        outcome.settings = effectiveTaskSettings(task, overrides_);
        EvaluationRequest request = models_[m];
        request.dataFile = task.file;
        request.evaluator = task.evaluator;
        request.settings = outcome.settings;
        request.suite = task.displayName();
        EvaluationJob job(plugins_, request);
        job.run(taskContext);
        outcome.evaluatorId = job.evaluatorId();
        outcome.result = job.result();
        outcome.evaluationId = job.evaluationId();
      } catch (const std::exception& e) {  // tunebench::Error, or LibTorch's on a broken model
        outcome.error = e.what();
        context.log(LogLevel::Error, prefix + e.what());
      }
      const bool stopped = outcome.result.canceled;
      outcomes_.push_back(std::move(outcome));
      if (stopped) {
        canceled_ = true;
        return;
      }
    }
  }
}

}  // namespace tunebench
