#include "store/BaseModelComparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/JsonFile.h"
#include "store/ArtifactRepository.h"
#include "store/ModelVersions.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

namespace tunebench::store {

namespace {

// The two-sided 95% quantile of the normal distribution.
constexpr double kZ95 = 1.959963984540054;

ProjectStore openForReading(const std::string& projectFile) {
  OpenOptions options;
  options.readOnly = true;
  return ProjectStore::open(projectFile, options);
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<double> metricOf(const EvaluationSummary& summary, const std::string& name) {
  for (const auto& [metric, value] : summary.metrics)
    if (metric == name) return value;
  return std::nullopt;
}

// Figures that qualify another (its standard error) or count what was scored.
bool isCompanion(const std::string& metric) {
  return endsWith(metric, "_stderr") || metric == "questions" || metric == "examples" ||
         endsWith(metric, "_ci_low") || endsWith(metric, "_ci_high");
}

// The latest evaluation of each identity.
std::map<std::string, const EvaluationSummary*> latestByIdentity(
    const std::vector<EvaluationSummary>& evaluations) {
  std::map<std::string, const EvaluationSummary*> latest;
  for (const auto& evaluation : evaluations) {
    auto& slot = latest[evaluation.record.identity()];
    if (!slot || evaluation.record.createdAt >= slot->record.createdAt) slot = &evaluation;
  }
  return latest;
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * share);
  return text;
}

std::string points(double share, bool sign) {
  char text[32];
  std::snprintf(text, sizeof text, sign ? "%+.1f" : "%.1f", 100.0 * share);
  std::string out = text;
  if (sign && out[0] == '-') out = "\xE2\x88\x92" + out.substr(1);  // a minus sign
  return out;
}

EvaluationSummary summaryOf(EvaluationRepository& evaluations, EvaluationRecord record) {
  EvaluationSummary summary;
  summary.metrics = evaluations.metrics(record.id);
  summary.record = std::move(record);
  return summary;
}

// The evaluations of the project's models themselves, by model.
std::map<int64_t, std::vector<EvaluationSummary>> modelEvaluations(
    EvaluationRepository& evaluations) {
  std::map<int64_t, std::vector<EvaluationSummary>> byModel;
  for (auto& record : evaluations.ofModels()) {
    const int64_t modelId = *record.modelId;
    byModel[modelId].push_back(summaryOf(evaluations, std::move(record)));
  }
  return byModel;
}

std::vector<BaseComparison> compareRunWithBase(
    EvaluationRepository& evaluations, const RunRecord& run, std::optional<int64_t> modelId,
    const std::map<int64_t, std::vector<EvaluationSummary>>& baseByModel) {
  if (!modelId) return {};
  const auto base = baseByModel.find(*modelId);
  if (base == baseByModel.end()) return {};
  std::vector<EvaluationSummary> tuned;
  for (auto& record : evaluations.forRun(run.id))
    if (!record.checkpointId)  // the final model's evaluations only
      tuned.push_back(summaryOf(evaluations, std::move(record)));
  return compareWithBase(tuned, base->second);
}

}  // namespace

std::optional<int64_t> baseModelOf(ProjectStore& project, const RunRecord& run) {
  if (run.modelId) return run.modelId;
  const auto config = parseJsonOrDiscarded(run.config);
  const auto model = config.is_object() ? config.find("model") : config.end();
  if (model == config.end() || !model->is_string() || model->get<std::string>().empty())
    return std::nullopt;
  if (const auto found =
          ModelRepository(project).findByFolder(project.resolve(model->get<std::string>())))
    return found->id;
  return std::nullopt;
}

std::optional<double> BaseComparison::margin() const {
  if (!baseStandardError || !tunedStandardError) return std::nullopt;
  return kZ95 * std::sqrt(*baseStandardError * *baseStandardError +
                          *tunedStandardError * *tunedStandardError);
}

bool BaseComparison::forgets() const {
  const auto width = margin();
  if (!width || std::isnan(base) || std::isnan(tuned)) return false;
  const double worse = higherIsBetter(metric) ? -difference() : difference();
  return worse > *width;
}

bool BaseComparison::gains() const {
  const auto width = margin();
  if (!width || std::isnan(base) || std::isnan(tuned)) return false;
  const double better = higherIsBetter(metric) ? difference() : -difference();
  return better > *width;
}

std::vector<BaseComparison> compareWithBase(const std::vector<EvaluationSummary>& tuned,
                                            const std::vector<EvaluationSummary>& base) {
  const auto baseLatest = latestByIdentity(base);
  std::vector<BaseComparison> comparisons;
  for (const auto& [identity, tunedEvaluation] : latestByIdentity(tuned)) {
    const auto found = baseLatest.find(identity);
    if (found == baseLatest.end()) continue;
    const auto& baseEvaluation = *found->second;
    for (const auto& [metric, value] : tunedEvaluation->metrics) {
      if (isCompanion(metric)) continue;
      const auto baseValue = metricOf(baseEvaluation, metric);
      if (!baseValue) continue;
      BaseComparison comparison;
      comparison.identity = identity;
      comparison.suite = tunedEvaluation->record.suite;
      comparison.evaluator = tunedEvaluation->record.evaluator;
      comparison.metric = metric;
      comparison.base = *baseValue;
      comparison.tuned = value;
      comparison.baseStandardError = metricOf(baseEvaluation, metric + "_stderr");
      comparison.tunedStandardError = metricOf(*tunedEvaluation, metric + "_stderr");
      comparison.baseEvaluationId = baseEvaluation.record.id;
      comparison.tunedEvaluationId = tunedEvaluation->record.id;
      comparisons.push_back(std::move(comparison));
    }
  }
  std::stable_sort(
      comparisons.begin(), comparisons.end(),
      [](const BaseComparison& a, const BaseComparison& b) { return a.suite < b.suite; });
  return comparisons;
}

std::vector<BaseComparison> forgettingAmong(const std::vector<BaseComparison>& comparisons) {
  std::vector<BaseComparison> forgetting;
  for (const auto& comparison : comparisons)
    if (comparison.forgets()) forgetting.push_back(comparison);
  return forgetting;
}

std::string describeForgetting(const BaseComparison& comparison) {
  const bool share = higherIsBetter(comparison.metric);
  const auto value = [&](double x) {
    if (share) return percent(x);
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", x);
    return std::string(text);
  };
  std::string text = comparison.suite + ": " + comparison.metric + " " + value(comparison.base) +
                     " \xE2\x86\x92 " + value(comparison.tuned);
  if (share) {
    text += " (" + points(comparison.difference(), true) + " points";
    if (const auto width = comparison.margin()) text += ", beyond \xC2\xB1" + points(*width, false);
    text += ")";
  }
  return text;
}

RunBaseComparison readRunBaseComparison(const std::string& projectFile, int64_t runId) {
  auto project = openForReading(projectFile);
  RunBaseComparison comparison;
  comparison.runId = runId;
  const auto run = RunRepository(project).find(runId);
  if (!run) return comparison;
  comparison.modelId = baseModelOf(project, *run);
  if (comparison.modelId)
    if (const auto model = ModelRepository(project).find(*comparison.modelId))
      comparison.modelName = model->name;
  EvaluationRepository evaluations(project);
  comparison.scores =
      compareRunWithBase(evaluations, *run, comparison.modelId, modelEvaluations(evaluations));
  return comparison;
}

std::map<int64_t, std::vector<BaseComparison>> readForgettingByRun(const std::string& projectFile) {
  auto project = openForReading(projectFile);
  return forgettingByRun(project);
}

std::map<int64_t, std::vector<BaseComparison>> forgettingByRun(ProjectStore& project) {
  EvaluationRepository evaluations(project);
  // Runs whose base model was never evaluated cannot forget anything measured.
  const auto baseByModel = modelEvaluations(evaluations);
  std::map<int64_t, std::vector<BaseComparison>> byRun;
  if (baseByModel.empty()) return byRun;
  for (const auto& run : RunRepository(project).list(RunFilter{})) {
    auto forgetting = forgettingAmong(
        compareRunWithBase(evaluations, run, baseModelOf(project, run), baseByModel));
    if (!forgetting.empty()) byRun[run.id] = std::move(forgetting);
  }
  return byRun;
}

std::vector<ItemFlip> readItemFlips(const std::string& projectFile, int64_t baseEvaluationId,
                                    int64_t tunedEvaluationId, int64_t limit) {
  auto project = openForReading(projectFile);
  EvaluationRepository evaluations(project);
  const auto before = evaluations.items(baseEvaluationId, 0, limit);
  const auto after = evaluations.items(tunedEvaluationId, 0, limit);
  std::map<int64_t, const EvaluationItem*> beforeByIndex;
  for (const auto& item : before) beforeByIndex[item.index] = &item;
  std::vector<ItemFlip> flips;
  for (const auto& item : after) {
    const auto found = beforeByIndex.find(item.index);
    if (found == beforeByIndex.end() || !item.score || !found->second->score) continue;
    const double was = *found->second->score, now = *item.score;
    const bool flipped = (was == 1.0 && now == 0.0) || (was == 0.0 && now == 1.0);
    if (!flipped) continue;
    ItemFlip flip;
    flip.index = item.index;
    flip.input = item.input;
    flip.expected = item.expected;
    flip.baseOutput = found->second->output;
    flip.tunedOutput = item.output;
    flip.nowRight = now == 1.0;
    flips.push_back(std::move(flip));
  }
  return flips;
}

}  // namespace tunebench::store
