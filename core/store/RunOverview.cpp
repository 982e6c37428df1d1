#include "store/RunOverview.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "common/Error.h"
#include "store/EvaluationRepository.h"
#include "store/ModelVersions.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

RunFigures readRunFigures(MetricRepository& metrics, const RunOverviewRow& row) {
  RunFigures figures;
  figures.runId = row.run.id;
  if (auto last = metrics.last(row.run.id, "loss")) {
    figures.finalTrainLoss = last->value;
    figures.steps = last->step;
  }
  for (const auto& point : metrics.points(row.run.id, "val_loss"))
    if (std::isfinite(point.value) &&
        (!figures.bestValidationLoss || point.value < *figures.bestValidationLoss)) {
      figures.bestValidationLoss = point.value;
      figures.bestValidationStep = point.step;
    }
  figures.meanTokensPerSecond = metrics.mean(row.run.id, "tokens_per_second");
  figures.durationSeconds = row.durationSeconds;
  if (auto trainable = metrics.last(row.run.id, "trainable_parameters"))
    figures.trainableParameters = trainable->value;
  return figures;
}

std::vector<RunEvaluationScore> readEvaluationScores(EvaluationRepository& evaluations,
                                                     int64_t runId) {
  std::map<std::string, EvaluationRecord> latest;
  for (auto& record : evaluations.forRun(runId)) {
    if (record.checkpointId) continue;  // the final model's
    const auto identity = record.identity();
    auto found = latest.find(identity);
    if (found == latest.end() || record.createdAt >= found->second.createdAt)
      latest[identity] = std::move(record);
  }
  std::vector<RunEvaluationScore> scores;
  for (const auto& [identity, record] : latest)
    for (const auto& [metric, value] : evaluations.metrics(record.id))
      if (isComparedMetric(metric)) scores.push_back({identity, record.suite, metric, value});
  std::stable_sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) {
    return std::tie(a.suite, a.metric) < std::tie(b.suite, b.metric);
  });
  return scores;
}

RunTimeline readRunTimeline(MetricRepository& metrics, const RunRecord& run,
                            const std::vector<MetricSeries>& curves, int pixelBudget) {
  RunTimeline timeline;
  timeline.runId = run.id;
  // The epoch grows with the step, so each bucket's minimum lies at its first step and its
  // maximum at its last.
  for (const auto& series : metrics.downsample({run.id}, {"epoch"}, pixelBudget))
    for (const auto& bucket : series.buckets) {
      if (!bucket.min || !bucket.max) continue;
      timeline.epochs.emplace_back(bucket.firstStep, *bucket.min);
      if (bucket.lastStep != bucket.firstStep)
        timeline.epochs.emplace_back(bucket.lastStep, *bucket.max);
    }

  std::map<int64_t, double> wallTimes;
  for (const auto& curve : curves) {
    if (curve.runId != run.id) continue;
    std::vector<int64_t> steps;
    for (const auto& bucket : curve.buckets) {
      steps.push_back(bucket.firstStep);
      if (bucket.lastStep != bucket.firstStep) steps.push_back(bucket.lastStep);
    }
    const auto times = metrics.wallTimesAt(run.id, curve.key, steps);
    for (size_t i = 0; i < steps.size(); ++i)
      if (times[i]) wallTimes.emplace(steps[i], *times[i]);
  }
  if (wallTimes.empty()) return timeline;
  double origin = wallTimes.begin()->second;
  for (const auto& entry : wallTimes) origin = std::min(origin, entry.second);
  if (run.startedAt) origin = std::min(origin, *run.startedAt);
  for (const auto& [step, time] : wallTimes) timeline.seconds.emplace_back(step, time - origin);
  return timeline;
}

RunOverview readRunOverview(const std::string& projectFile, const std::vector<int64_t>& compare,
                            const std::vector<std::string>& keys, int pixelBudget,
                            const ConfigReader& readConfig) {
  OpenOptions options;
  options.readOnly = true;
  auto project = ProjectStore::open(projectFile, options);
  RunRepository runs(project);
  MetricRepository metrics(project);
  EvaluationRepository evaluations(project);
  RunOverview overview;
  for (auto& run : runs.list()) {
    RunOverviewRow row;
    if (readConfig) run.config = readConfig(run.config);
    row.method = trainingMethodOf(run.config);
    // The validation curve has a point per evaluation: few enough to read whole.
    for (const auto& point : metrics.points(run.id, "val_loss"))
      if (std::isfinite(point.value))
        row.bestValidationLoss =
            std::min(row.bestValidationLoss.value_or(point.value), point.value);
    const auto loss = metrics.downsample({run.id}, {"loss"}, 1);
    if (!loss.empty() && !loss.front().buckets.empty())
      row.lastStep = loss.front().buckets.back().lastStep;
    if (run.startedAt) {
      const auto end = run.finishedAt ? run.finishedAt : run.heartbeatAt;
      if (end) row.durationSeconds = std::max(0.0, *end - *run.startedAt);
    }
    row.run = std::move(run);
    overview.rows.push_back(std::move(row));
  }
  auto forgetting = forgettingByRun(project);
  for (auto& row : overview.rows) {
    const auto found = forgetting.find(row.run.id);
    if (found != forgetting.end()) row.forgetting = std::move(found->second);
  }

  std::vector<const RunOverviewRow*> compared;
  for (int64_t id : compare)
    for (const auto& row : overview.rows)
      if (row.run.id == id) {
        compared.push_back(&row);
        overview.compared.push_back(id);
      }
  if (!overview.compared.empty() && !keys.empty())
    overview.curves = metrics.downsample(overview.compared, keys, pixelBudget);
  std::vector<std::string> configs;
  for (const auto* row : compared) {
    overview.figures.push_back(readRunFigures(metrics, *row));
    overview.figures.back().evaluationScores = readEvaluationScores(evaluations, row->run.id);
    overview.timelines.push_back(readRunTimeline(metrics, row->run, overview.curves, pixelBudget));
    configs.push_back(row->run.config);
  }
  try {
    overview.config = tabulateConfigs(configs);
  } catch (const Error& e) {
    overview.configError = e.what();
  }
  return overview;
}

}  // namespace tunebench::store
