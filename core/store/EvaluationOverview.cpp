#include "store/EvaluationOverview.h"

#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

ProjectStore openForReading(const std::string& projectFile) {
  OpenOptions options;
  options.readOnly = true;
  return ProjectStore::open(projectFile, options);
}

}  // namespace

std::vector<RunRecord> readRuns(const std::string& projectFile) {
  auto project = openForReading(projectFile);
  RunFilter filter;
  filter.sortBy = RunFilter::SortBy::Created;
  filter.descending = true;
  return RunRepository(project).list(filter);
}

std::vector<EvaluationSummary> readRunEvaluations(const std::string& projectFile, int64_t runId) {
  auto project = openForReading(projectFile);
  EvaluationRepository evaluations(project);
  std::vector<EvaluationSummary> summaries;
  for (auto& record : evaluations.forRun(runId)) {
    EvaluationSummary summary;
    summary.metrics = evaluations.metrics(record.id);
    summary.record = std::move(record);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::vector<EvaluationItem> readEvaluationItems(const std::string& projectFile,
                                                int64_t evaluationId, int64_t limit) {
  auto project = openForReading(projectFile);
  return EvaluationRepository(project).items(evaluationId, 0, limit);
}

}  // namespace tunebench::store
