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

int64_t recordEvaluation(store::ProjectStore& project, int64_t runId, const std::string& suite,
                         const EvaluationResult& result) {
  store::EvaluationRepository evaluations(project);
  store::Transaction transaction(project.db());
  const int64_t id = evaluations.create(runId, std::nullopt, suite);
  evaluations.setMetric(id, "exact_match", result.exactMatch);
  evaluations.setMetric(id, "perplexity", result.perplexity);
  evaluations.setMetric(id, "mean_nll", result.meanNll);
  evaluations.setMetric(id, "examples", static_cast<double>(result.examples));
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
    item.details = nlohmann::json{{"response_nll", outcome.responseNll},
                                  {"response_tokens", outcome.responseTokens}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    items.push_back(std::move(item));
  }
  evaluations.addItems(id, items);
  transaction.commit();
  return id;
}

int64_t recordClassifierEvaluation(store::ProjectStore& project, int64_t runId,
                                   const std::string& suite,
                                   const ClassifierEvaluationResult& result) {
  store::EvaluationRepository evaluations(project);
  store::Transaction transaction(project.db());
  const int64_t id = evaluations.create(runId, std::nullopt, suite);
  evaluations.setMetric(id, "accuracy", result.metrics.accuracy);
  evaluations.setMetric(id, "macro_f1", result.metrics.macroF1);
  evaluations.setMetric(id, "examples", static_cast<double>(result.metrics.examples));
  for (size_t c = 0; c < result.labels.size() && c < result.metrics.perClass.size(); ++c) {
    const auto& metrics = result.metrics.perClass[c];
    evaluations.setMetric(id, "precision " + result.labels[c], metrics.precision);
    evaluations.setMetric(id, "recall " + result.labels[c], metrics.recall);
    evaluations.setMetric(id, "f1 " + result.labels[c], metrics.f1);
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
    item.details = nlohmann::json{{"probability", outcome.probability},
                                  {"line", outcome.line},
                                  {"label_index", outcome.labelIndex},
                                  {"predicted_index", outcome.predictedIndex}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    items.push_back(std::move(item));
  }
  evaluations.addItems(id, items);
  transaction.commit();
  return id;
}

}  // namespace tunebench
