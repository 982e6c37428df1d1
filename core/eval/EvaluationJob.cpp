#include "eval/EvaluationJob.h"

#include <filesystem>

#include "common/Error.h"
#include "common/Sha256.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ProjectEvaluationCache.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "store/Sqlite.h"

namespace tunebench {

namespace {

// Opens the project for writing and checks that what the evaluation belongs to is there; fails
// before the (long) evaluation rather than after it. Returns the record's owner; none when the
// model folder is to be recorded as a project model and the project has no such model. A run's
// checkpoint is registered in the project only when `registerCheckpoint` (once it is evaluated).
std::optional<store::NewEvaluation> openForRecording(const EvaluationRequest& request,
                                                     std::optional<store::ProjectStore>& project,
                                                     bool registerCheckpoint) {
  project.emplace(store::ProjectStore::open(request.projectFile));
  if (project->isReadOnly())
    throw Error(request.projectFile + " is open read-only (" + project->readOnlyReason() +
                "); recording an evaluation needs a project it can write");
  store::NewEvaluation owner;
  if (request.runId > 0) {
    if (!store::RunRepository(*project).find(request.runId))
      throw Error("run " + std::to_string(request.runId) + " is not in " + request.projectFile);
    if (request.checkpointStep) {
      // Recorded as the checkpoint's (registered when only its files are there), never as the
      // run's final model's.
      if (registerCheckpoint)
        owner.checkpointId = store::CheckpointRepository(*project).findOrRegister(
            request.runId, *request.checkpointStep, request.checkpointFolder);
    } else {
      owner.runId = request.runId;
    }
  } else if (request.modelId > 0) {
    if (!store::ModelRepository(*project).find(request.modelId))
      throw Error("model " + std::to_string(request.modelId) + " is not in " + request.projectFile);
    owner.modelId = request.modelId;
  } else {
    const auto model = store::ModelRepository(*project).findByFolder(request.modelFolder);
    if (!model) return std::nullopt;
    owner.modelId = model->id;
  }
  return owner;
}

std::string knownEvaluators(const std::vector<std::shared_ptr<Evaluator>>& evaluators) {
  std::string known;
  for (const auto& evaluator : evaluators) known += (known.empty() ? "" : ", ") + evaluator->id();
  return known.empty() ? std::string("no evaluator is installed") : "use one of " + known;
}

// The file's SHA-256; for data an evaluator carries itself ("builtin:redteam"), that of the name.
std::string dataIdentity(const std::string& dataFile) {
  if (dataFile.rfind(kBuiltinDataPrefix, 0) == 0) return sha256Hex(dataFile);
  return sha256OfFile(dataFile);
}

}  // namespace

EvaluationJob::EvaluationJob(const PluginRegistry& plugins, EvaluationRequest request)
    : request_(std::move(request)), evaluators_(plugins.evaluators()) {
  if (!request_.evaluator.empty() && !plugins.findEvaluator(request_.evaluator))
    throw Error("unknown evaluator '" + request_.evaluator + "': " + knownEvaluators(evaluators_) +
                " (tunebench-cli plugins lists the installed evaluators)");
}

nlohmann::json EvaluationJob::evaluatorSettings() const {
  auto settings = request_.settings;
  if (settings.is_object()) settings.erase("cache");
  return settings;
}

bool EvaluationJob::usesCache() const {
  if (!records()) return false;
  if (!request_.settings.is_object()) return true;
  const auto found = request_.settings.find("cache");
  if (found == request_.settings.end() || found->is_null()) return true;
  if (!found->is_boolean())
    throw Error("evaluation setting \"cache\" must be true or false, not " + found->dump());
  return found->get<bool>();
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
  std::optional<store::ProjectStore> project;
  const bool cached = usesCache();
  if (records()) {
    openForRecording(request_, project, false);
    project.reset();  // the recording's connection is not held through the evaluation
  }
  const ModelSource source{request_.modelFolder, request_.adapterFolder, request_.checkpointFolder};
  const auto evaluator = chooseEvaluator(source);
  evaluatorId_ = evaluator->id();
  // Hashed before the evaluation: the scores belong to the content that was read.
  const std::string dataSha256 = records() ? dataIdentity(request_.dataFile) : std::string();
  // On its own connection, opened when the evaluator first asks.
  std::unique_ptr<ProjectEvaluationCache> cache;
  if (cached)
    cache = std::make_unique<ProjectEvaluationCache>(request_.projectFile, source, &context);
  const auto settings = evaluatorSettings();
  result_ = evaluator->evaluate({source, request_.dataFile, settings, cache.get()}, context);
  cache.reset();
  if (result_.canceled || context.isCanceled() || !records()) return;
  auto owner = openForRecording(request_, project, true);
  if (!owner) {
    context.log(LogLevel::Info,
                "not recorded: " + request_.modelFolder + " is not one of the project's models");
    return;
  }
  auto& what = *owner;
  what.suite = request_.suite.empty() ? std::filesystem::path(request_.dataFile).filename().string()
                                      : request_.suite;
  what.dataSha256 = dataSha256;
  what.evaluator = evaluatorId_;
  what.settings = evaluator->scoringSettings(settings).dump();
  evaluationId_ = recordEvaluatorResult(*project, what, result_);
  context.log(LogLevel::Info, "evaluation " + std::to_string(evaluationId_.load()) +
                                  " recorded for " +
                                  (request_.runId > 0 ? "run " + std::to_string(request_.runId)
                                                      : "model " + std::to_string(*what.modelId)));
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

int64_t recordEvaluatorResult(store::ProjectStore& project, const store::NewEvaluation& what,
                              const EvaluatorResult& result) {
  const auto items = evaluationItems(result);
  store::EvaluationRepository evaluations(project);
  store::Transaction transaction(project.db());
  const int64_t id = evaluations.create(what);
  for (const auto& [name, value] : result.metrics) evaluations.setMetric(id, name, value);
  evaluations.addItems(id, items);
  transaction.commit();
  return id;
}

int64_t recordEvaluation(store::ProjectStore& project, const store::NewEvaluation& what,
                         const EvaluationResult& result) {
  return recordEvaluatorResult(project, what, generationScores(result));
}

}  // namespace tunebench
