#pragma once
// Evaluation results of a run, a checkpoint or a project's model (a base model before any run):
// suite (the name shown), what identifies the evaluation across models (the evaluated file's
// SHA-256, the evaluator and its scoring settings), summary metrics (NaN/±Inf kept) and the
// per-item results.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct EvaluationRecord {
  int64_t id = 0;
  std::optional<int64_t> runId;
  std::optional<int64_t> checkpointId;
  std::optional<int64_t> modelId;
  std::string suite;
  double createdAt = 0;
  std::string dataSha256;  // empty: recorded before evaluations had an identity
  std::string evaluator;
  std::string settings = "{}";  // the evaluator's scoring settings, as JSON
  // The same evaluation on another model has the same identity: the file's content, the
  // evaluator and its scoring settings; the suite's name for evaluations without them.
  std::string identity() const;
};

struct NewEvaluation {
  std::optional<int64_t> runId;
  std::optional<int64_t> checkpointId;
  std::optional<int64_t> modelId;
  std::string suite;
  std::string dataSha256;
  std::string evaluator;
  std::string settings = "{}";
};

struct EvaluationItem {
  int64_t index = 0;
  std::string input;
  std::string expected;
  std::string output;
  std::optional<double> score;
  std::string details = "{}";
};

class EvaluationRepository {
 public:
  explicit EvaluationRepository(ProjectStore& store) : store_(store) {}

  // At least one of run, checkpoint and model must be set.
  int64_t create(const NewEvaluation& evaluation);
  int64_t create(std::optional<int64_t> runId, std::optional<int64_t> checkpointId,
                 const std::string& suite) {
    return create(NewEvaluation{runId, checkpointId, std::nullopt, suite, {}, {}, "{}"});
  }
  void setMetric(int64_t evaluationId, const std::string& name, double value);
  // Items keep their index; joins the caller's transaction when there is one.
  void addItems(int64_t evaluationId, const std::vector<EvaluationItem>& items);

  std::vector<EvaluationRecord> forRun(int64_t runId);
  // The evaluations of the project's models themselves (no run), oldest first.
  std::vector<EvaluationRecord> ofModels();
  std::vector<std::pair<std::string, double>> metrics(int64_t evaluationId);
  // Up to limit items with index >= firstIndex, in index order.
  std::vector<EvaluationItem> items(int64_t evaluationId, int64_t firstIndex, int64_t limit);

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
