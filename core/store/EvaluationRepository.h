#pragma once
// Evaluation results of a run or a checkpoint: suite, summary metrics (NaN/±Inf kept) and the
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
  std::string suite;
  double createdAt = 0;
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

  // At least one of runId and checkpointId must be set.
  int64_t create(std::optional<int64_t> runId, std::optional<int64_t> checkpointId,
                 const std::string& suite);
  void setMetric(int64_t evaluationId, const std::string& name, double value);
  // Items keep their index; joins the caller's transaction when there is one.
  void addItems(int64_t evaluationId, const std::vector<EvaluationItem>& items);

  std::vector<EvaluationRecord> forRun(int64_t runId);
  std::vector<std::pair<std::string, double>> metrics(int64_t evaluationId);
  // Up to limit items with index >= firstIndex, in index order.
  std::vector<EvaluationItem> items(int64_t evaluationId, int64_t firstIndex, int64_t limit);

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
