#include "eval/EvaluationJob.h"

#include <filesystem>

#include "common/Error.h"
#include "eval/BuiltinEvaluationResults.h"
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

std::string knownEvaluators(const std::vector<std::shared_ptr<Evaluator>>& evaluators) {
  std::string known;
  for (const auto& evaluator : evaluators) known += (known.empty() ? "" : ", ") + evaluator->id();
  return known.empty() ? std::string("no evaluator is installed") : "use one of " + known;
}

}  // namespace

EvaluationJob::EvaluationJob(const PluginRegistry& plugins, EvaluationRequest request)
    : request_(std::move(request)), evaluators_(plugins.evaluators()) {
  if (!request_.evaluator.empty() && !plugins.findEvaluator(request_.evaluator))
    throw Error("unknown evaluator '" + request_.evaluator + "': " + knownEvaluators(evaluators_) +
                " (tunebench-cli plugins lists the installed evaluators)");
}

std::shared_ptr<Evaluator> EvaluationJob::chooseEvaluator(const ModelSource& source) const {
  for (const auto& evaluator : evaluators_)
    if (request_.evaluator.empty() ? evaluator->suits(source)
                                   : evaluator->id() == request_.evaluator)
      return evaluator;
  throw Error("no installed evaluator suits " + source.describe() + " (" +
              knownEvaluators(evaluators_) + ")");
}

void EvaluationJob::run(JobContext& context) {
  if (request_.modelFolder.empty()) throw Error("evaluation: choose a model folder");
  if (request_.dataFile.empty()) throw Error("evaluation: choose a file of examples");
  if (records()) openForRecording(request_);
  const ModelSource source{request_.modelFolder, request_.adapterFolder, request_.checkpointFolder};
  const auto evaluator = chooseEvaluator(source);
  evaluatorId_ = evaluator->id();
  result_ = evaluator->evaluate({source, request_.dataFile, request_.settings}, context);
  if (result_.canceled || context.isCanceled() || !records()) return;
  auto project = openForRecording(request_);
  const std::string suite = request_.suite.empty()
                                ? std::filesystem::path(request_.dataFile).filename().string()
                                : request_.suite;
  evaluationId_ = recordEvaluatorResult(project, request_.runId, suite, result_);
  context.log(LogLevel::Info, "evaluation " + std::to_string(evaluationId_.load()) +
                                  " recorded for run " + std::to_string(request_.runId));
}

std::vector<store::EvaluationItem> evaluationItems(const EvaluatorResult& result) {
  std::vector<store::EvaluationItem> items;
  items.reserve(result.items.size());
  for (size_t i = 0; i < result.items.size(); ++i) {
    const auto& evaluated = result.items[i];
    store::EvaluationItem item;
    item.index = static_cast<int64_t>(i);
    item.input = evaluated.input;
    item.expected = evaluated.expected;
    item.output = evaluated.output;
    item.score = evaluated.score;
    item.details = evaluated.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    items.push_back(std::move(item));
  }
  return items;
}

int64_t recordEvaluatorResult(store::ProjectStore& project, int64_t runId, const std::string& suite,
                              const EvaluatorResult& result) {
  const auto items = evaluationItems(result);
  store::EvaluationRepository evaluations(project);
  store::Transaction transaction(project.db());
  const int64_t id = evaluations.create(runId, std::nullopt, suite);
  for (const auto& [name, value] : result.metrics) evaluations.setMetric(id, name, value);
  evaluations.addItems(id, items);
  transaction.commit();
  return id;
}

int64_t recordEvaluation(store::ProjectStore& project, int64_t runId, const std::string& suite,
                         const EvaluationResult& result) {
  return recordEvaluatorResult(project, runId, suite, generationScores(result));
}

int64_t recordClassifierEvaluation(store::ProjectStore& project, int64_t runId,
                                   const std::string& suite,
                                   const ClassifierEvaluationResult& result) {
  return recordEvaluatorResult(project, runId, suite, classifierScores(result));
}

}  // namespace tunebench
