#include "eval/EvaluationJob.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "eval/ClassifierSource.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "store/Sqlite.h"

namespace tunebench {

namespace {

// Opens the project for writing and checks that the run is there; fails before the (long)
// evaluation rather than after it.
store::ProjectStore openForRecording(const EvaluationRequest& request) {
  auto project = store::ProjectStore::open(request.projectFile);
  if (project.isReadOnly())
    throw Error(request.projectFile + " is open read-only (" + project.readOnlyReason() +
                "); recording an evaluation needs a project it can write");
  if (!store::RunRepository(project).find(request.runId))
    throw Error("run " + std::to_string(request.runId) + " is not in " + request.projectFile);
  return project;
}

}  // namespace

EvaluationJob::EvaluationJob(EvaluationRequest request) : request_(std::move(request)) {}

void EvaluationJob::run(JobContext& context) {
  if (request_.modelFolder.empty()) throw Error("evaluation: choose a model folder");
  if (request_.dataFile.empty()) throw Error("evaluation: choose a JSON Lines file of examples");
  if (records()) openForRecording(request_);
  const ModelSource source{request_.modelFolder, request_.adapterFolder, request_.checkpointFolder};
  classified_ = !classifierLabels(source).empty();
  if (classified_) {
    ClassifierEvaluationOptions options;
    options.textField = request_.textField;
    options.labelField = request_.labelField;
    options.maxLength = request_.maxLength;
    options.batchSize = request_.options.batchSize;
    options.maxExamples = request_.options.maxExamples;
    classifierResult_ = evaluateClassifier(source, request_.dataFile, options, &context);
    if (classifierResult_.canceled || !records()) return;
  } else {
    context.progress(0, 0, "reading " + request_.dataFile);
    const auto examples =
        loadEvalExamples(request_.dataFile, request_.promptField, request_.responseField);
    if (context.isCanceled()) return;
    result_ = evaluateModel(source, examples, request_.options, &context);
    if (result_.canceled || !records()) return;
  }
  auto project = openForRecording(request_);
  const std::string suite = request_.suite.empty()
                                ? std::filesystem::path(request_.dataFile).filename().string()
                                : request_.suite;
  evaluationId_ =
      classified_ ? recordClassifierEvaluation(project, request_.runId, suite, classifierResult_)
                  : recordEvaluation(project, request_.runId, suite, result_);
  context.log(LogLevel::Info, "evaluation " + std::to_string(evaluationId_.load()) +
                                  " recorded for run " + std::to_string(request_.runId));
}

namespace {

std::string detailsText(const nlohmann::json& details) {
  return details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One evaluation with its figures and per-example items, in one transaction.
int64_t storeEvaluation(store::ProjectStore& project, int64_t runId, const std::string& suite,
                        const std::vector<std::pair<std::string, double>>& metrics,
                        const std::vector<store::EvaluationItem>& items) {
  store::EvaluationRepository evaluations(project);
  store::Transaction transaction(project.db());
  const int64_t id = evaluations.create(runId, std::nullopt, suite);
  for (const auto& [name, value] : metrics) evaluations.setMetric(id, name, value);
  evaluations.addItems(id, items);
  transaction.commit();
  return id;
}

}  // namespace

int64_t recordEvaluation(store::ProjectStore& project, int64_t runId, const std::string& suite,
                         const EvaluationResult& result) {
  std::vector<store::EvaluationItem> items;
  items.reserve(result.outcomes.size());
  for (size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& outcome = result.outcomes[i];
    store::EvaluationItem item;
    item.index = static_cast<int64_t>(i);
    item.input = outcome.prompt;
    item.expected = outcome.reference;
    item.output = outcome.generated;
    item.score = outcome.exactMatch ? 1.0 : 0.0;
    item.details = detailsText(
        {{"response_nll", outcome.responseNll}, {"response_tokens", outcome.responseTokens}});
    items.push_back(std::move(item));
  }
  return storeEvaluation(project, runId, suite,
                         {{"exact_match", result.exactMatch},
                          {"perplexity", result.perplexity},
                          {"mean_nll", result.meanNll},
                          {"examples", static_cast<double>(result.examples)}},
                         items);
}

int64_t recordClassifierEvaluation(store::ProjectStore& project, int64_t runId,
                                   const std::string& suite,
                                   const ClassifierEvaluationResult& result) {
  std::vector<std::pair<std::string, double>> metrics = {
      {"accuracy", result.metrics.accuracy},
      {"macro_f1", result.metrics.macroF1},
      {"examples", static_cast<double>(result.metrics.examples)}};
  for (size_t c = 0; c < result.labels.size() && c < result.metrics.perClass.size(); ++c) {
    const auto& perClass = result.metrics.perClass[c];
    metrics.emplace_back("precision " + result.labels[c], perClass.precision);
    metrics.emplace_back("recall " + result.labels[c], perClass.recall);
    metrics.emplace_back("f1 " + result.labels[c], perClass.f1);
  }
  std::vector<store::EvaluationItem> items;
  items.reserve(result.outcomes.size());
  for (size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& outcome = result.outcomes[i];
    store::EvaluationItem item;
    item.index = static_cast<int64_t>(i);
    item.input = outcome.text;
    item.expected = outcome.label;
    item.output = outcome.predicted;
    item.score = outcome.correct ? 1.0 : 0.0;
    item.details = detailsText({{"probability", outcome.probability},
                                {"line", outcome.line},
                                {"label_index", outcome.labelIndex},
                                {"predicted_index", outcome.predictedIndex}});
    items.push_back(std::move(item));
  }
  return storeEvaluation(project, runId, suite, metrics, items);
}

}  // namespace tunebench
