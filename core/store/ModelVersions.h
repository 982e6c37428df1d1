#pragma once
// Exported model versions and how their evaluations compare. A version is one exported model:
// a run's final model, or one checkpoint of a run; exporting it again (in another format or to
// another folder) adds an export to the same version. Versions are numbered 1, 2, ... in the
// order of their first export. A version's evaluations are those recorded for exactly that model:
// the run's evaluations without a checkpoint for its final model (what the Evaluate stage and
// `tunebench-cli evaluate` record), the checkpoint's evaluations for a checkpoint. Exports whose
// run was deleted are no version: nothing evaluates them.
//
// Scores are compared per evaluation and metric, between each version and the previous version
// evaluated on it; a version that does worse (lower exact match, higher perplexity) is a
// regression. An evaluation is the same on two versions when its identity is (the evaluated
// file's content, the evaluator and its scoring settings: see EvaluationRecord::identity), so a
// file renamed or named differently by two front ends is still one evaluation; the name shown is
// the latest one. A version evaluated several times on one evaluation counts with its latest.
// Evaluations of the project's models themselves (a base model before fine-tuning) are no
// version's: they are shown beside each evaluation as the base model's score.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/ArtifactRepository.h"
#include "store/BaseModelComparison.h"
#include "store/EvaluationOverview.h"

namespace tunebench::store {

struct ModelVersion {
  int number = 0;
  int64_t runId = 0;
  std::string runName;
  std::optional<int64_t> checkpointId;         // empty: the run's final model
  std::optional<int64_t> checkpointStep;       // when known
  std::optional<int64_t> baseModelId;          // the project model the run trained from
  std::vector<ExportRecord> exports;           // oldest first
  std::vector<EvaluationSummary> evaluations;  // of this model, oldest first
};

// The metrics compared between versions, and which way is better: a language model's
// exact_match and perplexity, a classifier's accuracy and macro_f1, a benchmark's acc and
// acc_norm, a rolling perplexity's word_perplexity, byte_perplexity and bits_per_byte.
bool isComparedMetric(const std::string& metric);
// exact_match, accuracy, macro_f1, acc, acc_norm, acc_bytes: yes; the perplexities and bits per
// byte: no
bool higherIsBetter(const std::string& metric);

struct VersionScore {
  int version = 0;
  int64_t evaluationId = 0;
  double value = 0;
};

struct BaseModelScore {
  int64_t modelId = 0;
  std::string modelName;
  int64_t evaluationId = 0;
  double value = 0;
};

// One evaluation's metric across the versions evaluated on it, by version.
struct ScoreSeries {
  std::string identity;  // EvaluationRecord::identity()
  std::string suite;     // the name of its latest evaluation
  std::string metric;
  std::vector<VersionScore> scores;
  std::vector<BaseModelScore> baseModels;  // the latest of each model, in model order
};

struct ScoreRegression {
  std::string identity;  // of the series
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
struct ModelEvaluation {
  int64_t modelId = 0;
  std::string modelName;
  EvaluationSummary evaluation;
};

// Series of the compared metrics, ordered by suite, then metric. Evaluations of the project's
// models (oldest first) join the series of the same identity; a model's evaluation with no
// version evaluated the same way starts no series.
std::vector<ScoreSeries> scoreSeries(const std::vector<ModelVersion>& versions,
                                     const std::vector<ModelEvaluation>& modelEvaluations = {});
// Each version that scores worse than the previous version on the same series. NaN is skipped.
std::vector<ScoreRegression> findRegressions(const std::vector<ScoreSeries>& series);

// A version that scores below the base model it was trained from by more than the confidence
// interval (store/BaseModelComparison.h).
struct VersionForgetting {
  int version = 0;
  BaseComparison comparison;
};

struct ModelVersionHistory {
  std::vector<ModelVersion> versions;
  std::vector<ScoreSeries> series;
  std::vector<ScoreRegression> regressions;
  std::vector<VersionForgetting> forgetting;  // by version
};

// Reads a project through its own read-only connection (any thread).
ModelVersionHistory readModelVersionHistory(const std::string& projectFile);

}  // namespace tunebench::store
