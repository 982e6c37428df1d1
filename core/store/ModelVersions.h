#pragma once
// Exported model versions and how their evaluations compare. A version is one exported model:
// a run's final model, or one checkpoint of a run; exporting it again (in another format or to
// another folder) adds an export to the same version. Versions are numbered 1, 2, ... in the
// order of their first export. A version's evaluations are those recorded for exactly that model:
// the run's evaluations without a checkpoint for its final model (what the Evaluate stage and
// `tunebench-cli evaluate` record), the checkpoint's evaluations for a checkpoint. Exports whose
// run was deleted are no version: nothing evaluates them.
//
// Scores are compared per evaluation (the suite, i.e. the evaluation file's name) and metric,
// between each version and the previous version evaluated on it; a version that does worse
// (lower exact match, higher perplexity) is a regression. A version evaluated several times on a
// suite counts with its latest evaluation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/ArtifactRepository.h"
#include "store/EvaluationOverview.h"

namespace tunebench::store {

struct ModelVersion {
  int number = 0;
  int64_t runId = 0;
  std::string runName;
  std::optional<int64_t> checkpointId;         // empty: the run's final model
  std::optional<int64_t> checkpointStep;       // when known
  std::vector<ExportRecord> exports;           // oldest first
  std::vector<EvaluationSummary> evaluations;  // of this model, oldest first
};

// The metrics compared between versions, and which way is better: a language model's
// exact_match and perplexity, a classifier's accuracy and macro_f1.
bool isComparedMetric(const std::string& metric);
// exact_match, accuracy, macro_f1: yes; perplexity: no
bool higherIsBetter(const std::string& metric);

struct VersionScore {
  int version = 0;
  int64_t evaluationId = 0;
  double value = 0;
};

// One evaluation's metric across the versions evaluated on it, by version.
struct ScoreSeries {
  std::string suite;
  std::string metric;
  std::vector<VersionScore> scores;
};

struct ScoreRegression {
  std::string suite;
  std::string metric;
  int version = 0;
  int previousVersion = 0;
  double value = 0;
  double previousValue = 0;
  double difference() const { return value - previousValue; }
};

// Groups exports (oldest first) into versions; evaluations are filled in by the caller.
std::vector<ModelVersion> groupIntoVersions(const std::vector<ExportRecord>& exports);
// Whether an evaluation is one of this version's model.
bool evaluatesVersion(const EvaluationRecord& evaluation, const ModelVersion& version);
// Series of the compared metrics, ordered by suite, then metric.
std::vector<ScoreSeries> scoreSeries(const std::vector<ModelVersion>& versions);
// Each version that scores worse than the previous version on the same series. NaN is skipped.
std::vector<ScoreRegression> findRegressions(const std::vector<ScoreSeries>& series);

struct ModelVersionHistory {
  std::vector<ModelVersion> versions;
  std::vector<ScoreSeries> series;
  std::vector<ScoreRegression> regressions;
};

// Reads a project through its own read-only connection (any thread).
ModelVersionHistory readModelVersionHistory(const std::string& projectFile);

}  // namespace tunebench::store
