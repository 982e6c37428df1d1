#include "eval/BenchmarkSuiteJob.h"

#include <exception>

#include "common/Error.h"

namespace tunebench {

namespace {

// Passes everything through, with the task named in front of the progress text.
class TaskContext : public JobContext {
 public:
  TaskContext(JobContext& outer, std::string prefix) : outer_(outer), prefix_(std::move(prefix)) {}
  bool isCanceled() const override { return outer_.isCanceled(); }
  void waitIfPaused() override { outer_.waitIfPaused(); }
  void progress(int64_t done, int64_t total, const std::string& text) override {
    outer_.progress(done, total, prefix_ + text);
  }
  void metric(int64_t step, const std::string& key, double value) override {
    outer_.metric(step, key, value);
  }
  void log(LogLevel level, const std::string& text) override { outer_.log(level, prefix_ + text); }

 private:
  JobContext& outer_;
  std::string prefix_;
};

}  // namespace

BenchmarkSuiteJob::BenchmarkSuiteJob(const PluginRegistry& plugins, BenchmarkSuite suite,
                                     EvaluationRequest model, nlohmann::json overrides)
    : plugins_(plugins),
      suite_(std::move(suite)),
      model_(std::move(model)),
      overrides_(std::move(overrides)) {
  if (suite_.tasks.empty()) throw Error("the benchmark suite has no task");
}

void BenchmarkSuiteJob::run(JobContext& context) {
  outcomes_.clear();
  canceled_ = false;
  const size_t count = suite_.tasks.size();
  for (size_t i = 0; i < count; ++i) {
    if (context.isCanceled()) {
      canceled_ = true;
      return;
    }
    const auto& task = suite_.tasks[i];
    SuiteTaskOutcome outcome;
    outcome.task = task;
    TaskContext taskContext(context, "task " + std::to_string(i + 1) + " of " +
                                         std::to_string(count) + " (" + task.displayName() + "): ");
    try {
      outcome.settings = effectiveTaskSettings(task, overrides_);
      EvaluationRequest request = model_;
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
      context.log(LogLevel::Error, task.displayName() + ": " + e.what());
    }
    const bool stopped = outcome.result.canceled;
    outcomes_.push_back(std::move(outcome));
    if (stopped) {
      canceled_ = true;
      return;
    }
  }
}

}  // namespace tunebench
