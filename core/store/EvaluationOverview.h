#pragma once
// Read-only views of a project for browsing evaluations: its runs, the evaluations of a run with
// their metrics, and an evaluation's items. Each call opens its own read-only connection, so that
// a GUI can call it from a worker thread while a job writes.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/EvaluationRepository.h"
#include "store/RunRepository.h"

namespace tunebench::store {

struct EvaluationSummary {
  EvaluationRecord record;
  std::vector<std::pair<std::string, double>> metrics;  // by name
};

// Newest first.
std::vector<RunRecord> readRuns(const std::string& projectFile);
// Oldest first, with the metrics of each.
std::vector<EvaluationSummary> readRunEvaluations(const std::string& projectFile, int64_t runId);
// Up to limit items, in index order.
std::vector<EvaluationItem> readEvaluationItems(const std::string& projectFile,
                                                int64_t evaluationId, int64_t limit);

}  // namespace tunebench::store
