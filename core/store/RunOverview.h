#pragma once
// What the Runs panel shows of a project: every run with its status, method, tags, best
// validation loss and duration, and for the runs chosen for comparison their downsampled metric
// curves, where their steps lie in epochs and in time, their key figures and their configs side
// by side. Reads through its own read-only connection, so it runs on a worker thread while
// training writes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/BaseModelComparison.h"
#include "store/ConfigDiff.h"
#include "store/EvaluationRepository.h"
#include "store/MetricRepository.h"
#include "store/RunRepository.h"

namespace tunebench::store {

struct RunOverviewRow {
  RunRecord run;
  std::string method;  // trainingMethodOf(run.config)
  std::optional<double> bestValidationLoss;
  std::optional<int64_t> lastStep;        // of the training loss
  std::optional<double> durationSeconds;  // started → finished, or → last heartbeat while running
  // The final model scores below its base model beyond the confidence interval
  // (store/BaseModelComparison.h); empty when it does not or was not compared.
  std::vector<BaseComparison> forgetting;
};

// A compared metric (store/ModelVersions.h: isComparedMetric) of the latest evaluation of one
// identity of a run's final model.
struct RunEvaluationScore {
  std::string identity;  // EvaluationRecord::identity()
  std::string suite;
  std::string metric;
  double value = 0;
};

// Figures of a compared run; each absent when the run did not record it.
struct RunFigures {
  int64_t runId = 0;
  std::optional<double> finalTrainLoss;
  std::optional<double> bestValidationLoss;
  std::optional<int64_t> bestValidationStep;
  std::optional<int64_t> steps;
  std::optional<double> meanTokensPerSecond;
  std::optional<double> durationSeconds;
  std::optional<double> trainableParameters;
  std::vector<RunEvaluationScore> evaluationScores;  // by suite, then metric
};

// (step, epoch) from the trainer's "epoch" metric and (step, seconds since the run started) from
// the metric timestamps, at the ends of the compared curves' buckets, in step order.
struct RunTimeline {
  int64_t runId = 0;
  std::vector<std::pair<int64_t, double>> epochs;
  std::vector<std::pair<int64_t, double>> seconds;
};

struct RunOverview {
  std::vector<RunOverviewRow> rows;      // newest first
  std::vector<MetricSeries> curves;      // of the compared runs
  std::vector<RunTimeline> timelines;    // one per compared run, in the order asked
  std::vector<RunFigures> figures;       // one per compared run, in the order asked
  std::vector<int64_t> compared;         // the compared runs that exist, in the order asked
  std::vector<ConfigDifference> config;  // every config key of the compared runs
  std::string configError;               // why the configs could not be compared, if so
};

// A run's stored config as it is shown and compared. The store keeps configs as recorded; the
// training room knows their shapes (train/RecordedConfig.h: canonicalRecordedConfig).
using ConfigReader = std::function<std::string(const std::string& storedConfig)>;

// `compare`: runs whose `keys` curves to read, each reduced to at most pixelBudget buckets.
// With `readConfig`, each run's method and the compared configs come from what it returns.
RunOverview readRunOverview(const std::string& projectFile, const std::vector<int64_t>& compare,
                            const std::vector<std::string>& keys, int pixelBudget,
                            const ConfigReader& readConfig = {});

// The figures of one run (its overview row gives the duration and best validation loss).
RunFigures readRunFigures(MetricRepository& metrics, const RunOverviewRow& row);

// The compared metrics of the latest evaluations of the run's final model.
std::vector<RunEvaluationScore> readEvaluationScores(EvaluationRepository& evaluations,
                                                     int64_t runId);

// Where the steps of the run's curves lie in epochs and seconds.
RunTimeline readRunTimeline(MetricRepository& metrics, const RunRecord& run,
                            const std::vector<MetricSeries>& curves, int pixelBudget);

}  // namespace tunebench::store
