#include "store/ModelVersions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "store/ProjectStore.h"
#include "store/RunRepository.h"

namespace tunebench::store {

bool isComparedMetric(const std::string& metric) {
  // Safety rates (plugins/builtin/SafetyEvaluator.h): lower is better.
  if (metric == "attack_success_rate" || metric == "over_refusal_rate") return true;
  return higherIsBetter(metric) || metric == "perplexity" || metric == "word_perplexity" ||
         metric == "byte_perplexity" || metric == "bits_per_byte";
}

bool higherIsBetter(const std::string& metric) {
  return metric == "exact_match" || metric == "accuracy" || metric == "macro_f1" ||
         metric == "acc" || metric == "acc_norm" || metric == "acc_bytes" ||
         metric == "exact_match,strict-match" || metric == "exact_match,flexible-extract";
}

std::vector<ModelVersion> groupIntoVersions(const std::vector<ExportRecord>& exports) {
  std::vector<ModelVersion> versions;
  for (const auto& record : exports) {
    if (!record.runId) continue;
    auto same = std::find_if(versions.begin(), versions.end(), [&](const ModelVersion& version) {
      return version.runId == *record.runId && version.checkpointId == record.checkpointId;
    });
    if (same == versions.end()) {
      ModelVersion version;
      version.number = static_cast<int>(versions.size()) + 1;
      version.runId = *record.runId;
      version.checkpointId = record.checkpointId;
      versions.push_back(version);
      same = versions.end() - 1;
    }
    same->exports.push_back(record);
  }
  return versions;
}

bool evaluatesVersion(const EvaluationRecord& evaluation, const ModelVersion& version) {
  if (version.checkpointId) return evaluation.checkpointId == version.checkpointId;
  return !evaluation.checkpointId && evaluation.runId == version.runId;
}

std::vector<ScoreSeries> scoreSeries(const std::vector<ModelVersion>& versions,
                                     const std::vector<ModelEvaluation>& modelEvaluations) {
  std::map<std::pair<std::string, std::string>, ScoreSeries> byIdentityAndMetric;
  // The name shown is that of the latest evaluation of the identity.
  std::map<std::string, std::pair<double, std::string>> latestName;
  for (const auto& version : versions) {
    for (const auto& evaluation : version.evaluations) {
      const auto identity = evaluation.record.identity();
      auto& name = latestName[identity];
      if (name.second.empty() || evaluation.record.createdAt >= name.first)
        name = {evaluation.record.createdAt, evaluation.record.suite};
      for (const auto& [metric, value] : evaluation.metrics) {
        if (!isComparedMetric(metric)) continue;
        auto& series = byIdentityAndMetric[{identity, metric}];
        series.identity = identity;
        series.metric = metric;
        // Evaluations come oldest first: a later one of the same version replaces the earlier.
        if (!series.scores.empty() && series.scores.back().version == version.number)
          series.scores.back() = {version.number, evaluation.record.id, value};
        else
          series.scores.push_back({version.number, evaluation.record.id, value});
      }
    }
  }
  for (const auto& model : modelEvaluations) {
    const auto identity = model.evaluation.record.identity();
    for (const auto& [metric, value] : model.evaluation.metrics) {
      const auto found = byIdentityAndMetric.find({identity, metric});
      if (found == byIdentityAndMetric.end()) continue;
      auto& bases = found->second.baseModels;
      const BaseModelScore score{model.modelId, model.modelName, model.evaluation.record.id, value};
      auto same = std::find_if(bases.begin(), bases.end(), [&](const BaseModelScore& base) {
        return base.modelId == model.modelId;
      });
      if (same == bases.end())
        bases.push_back(score);
      else
        *same = score;  // oldest first: the latest stays
    }
  }
  std::vector<ScoreSeries> result;
  for (auto& [key, series] : byIdentityAndMetric) {
    series.suite = latestName[key.first].second;
    result.push_back(std::move(series));
  }
  std::stable_sort(result.begin(), result.end(), [](const ScoreSeries& a, const ScoreSeries& b) {
    return std::tie(a.suite, a.metric) < std::tie(b.suite, b.metric);
  });
  return result;
}

std::vector<ScoreRegression> findRegressions(const std::vector<ScoreSeries>& series) {
  std::vector<ScoreRegression> regressions;
  for (const auto& one : series) {
    const bool higherBetter = higherIsBetter(one.metric);
    const VersionScore* previous = nullptr;
    for (const auto& score : one.scores) {
      if (std::isnan(score.value)) continue;
      if (previous) {
        const bool worse =
            higherBetter ? score.value < previous->value : score.value > previous->value;
        if (worse)
          regressions.push_back({one.identity, one.suite, one.metric, score.version,
                                 previous->version, score.value, previous->value});
      }
      previous = &score;
    }
  }
  std::sort(regressions.begin(), regressions.end(),
            [](const ScoreRegression& a, const ScoreRegression& b) {
              return std::tie(a.version, a.suite, a.metric) <
                     std::tie(b.version, b.suite, b.metric);
            });
  return regressions;
}

ModelVersionHistory readModelVersionHistory(const std::string& projectFile) {
  OpenOptions options;
  options.readOnly = true;
  auto project = ProjectStore::open(projectFile, options);
  ModelVersionHistory history;
  history.versions = groupIntoVersions(ExportRepository(project).list());
  RunRepository runs(project);
  CheckpointRepository checkpoints(project);
  EvaluationRepository evaluations(project);
  std::map<int64_t, std::vector<EvaluationSummary>> evaluationsByRun;
  for (auto& version : history.versions) {
    if (const auto run = runs.find(version.runId)) {
      version.runName = run->name;
      version.baseModelId = baseModelOf(project, *run);
    }
    if (version.checkpointId)
      for (const auto& checkpoint : checkpoints.forRun(version.runId))
        if (checkpoint.id == *version.checkpointId) version.checkpointStep = checkpoint.step;
    auto found = evaluationsByRun.find(version.runId);
    if (found == evaluationsByRun.end()) {
      std::vector<EvaluationSummary> summaries;
      for (auto& record : evaluations.forRun(version.runId)) {
        EvaluationSummary summary;
        summary.metrics = evaluations.metrics(record.id);
        summary.record = std::move(record);
        summaries.push_back(std::move(summary));
      }
      found = evaluationsByRun.emplace(version.runId, std::move(summaries)).first;
    }
    for (const auto& summary : found->second)
      if (evaluatesVersion(summary.record, version)) version.evaluations.push_back(summary);
  }
  std::vector<ModelEvaluation> modelEvaluations;
  {
    std::map<int64_t, std::string> modelNames;
    for (const auto& model : ModelRepository(project).list()) modelNames[model.id] = model.name;
    for (auto& record : evaluations.ofModels()) {
      ModelEvaluation model;
      model.modelId = *record.modelId;
      model.modelName = modelNames[model.modelId];
      model.evaluation.metrics = evaluations.metrics(record.id);
      model.evaluation.record = std::move(record);
      modelEvaluations.push_back(std::move(model));
    }
  }
  history.series = scoreSeries(history.versions, modelEvaluations);
  history.regressions = findRegressions(history.series);
  for (const auto& version : history.versions) {
    if (!version.baseModelId) continue;
    std::vector<EvaluationSummary> base;
    for (const auto& model : modelEvaluations)
      if (model.modelId == *version.baseModelId) base.push_back(model.evaluation);
    for (auto& comparison : forgettingAmong(compareWithBase(version.evaluations, base)))
      history.forgetting.push_back({version.number, std::move(comparison)});
  }
  return history;
}

}  // namespace tunebench::store
