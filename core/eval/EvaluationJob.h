#pragma once
// An evaluation as a Job: runs an Evaluator plugin (plugins/Evaluator.h) on a model source and a
// data file and, when it is tied to a run of a project, records the evaluation there on its own
// connection (suite, metrics and one item per example). The evaluator is chosen by id, or is the
// first registered one that suits the model: the built-in "generation" (exact match and
// perplexity of a language model on prompt/response pairs) or "classifier" (accuracy, macro-F1
// and per-class figures of a sequence classifier on labelled texts). A canceled evaluation is not
// recorded. An evaluation recorded into a project keeps what it computes in the project's cache
// (ProjectEvaluationCache.h): run again, or resumed after a cancel or a crash, on the same model
// source, it computes only what is missing. The GUI's Evaluate panel and any other front end use
// it alike. This header does not include LibTorch.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/ClassifierEvaluation.h"
#include "eval/Evaluation.h"
#include "jobs/JobContext.h"
#include "plugins/PluginRegistry.h"
#include "store/EvaluationRepository.h"

namespace tunebench {

namespace store {
class ProjectStore;
}

// Data an evaluator carries itself is named "builtin:<name>" ("builtin:redteam"); such an
// evaluation's identity is the name's hash, not a file's.
inline constexpr const char* kBuiltinDataPrefix = "builtin:";

struct EvaluationRequest {
  std::string modelFolder;
  std::string adapterFolder;  // empty: the model alone
  // A run's checkpoint: modelFolder is then the run's base model (see ModelSource).
  std::string checkpointFolder;
  std::string dataFile;
  // An evaluator's id; empty: the first registered evaluator that suits the model.
  std::string evaluator;
  // The evaluator's settings. The built-in ones read: "prompt_field", "response_field",
  // "max_new_tokens" (generation); "text_field", "label_field", "max_length" (classifier);
  // "batch_size" and "limit" (0 = all examples) (both). Keys an evaluator does not know are
  // ignored. "cache": false (read by the job, not passed on) keeps the evaluation from using and
  // filling the project's cache.
  nlohmann::json settings = nlohmann::json::object();
  // Where the evaluation is recorded: the project and a run (its final model, or its checkpoint
  // at checkpointStep) or a project's model evaluated on its own; otherwise it is not recorded.
  // The record names the data file's SHA-256, the evaluator and its scoring settings, so that the
  // same evaluation of other models is recognised (store/ModelVersions.h).
  std::string projectFile;
  int64_t runId = 0;
  std::optional<int64_t> checkpointStep;
  int64_t modelId = 0;
  // Without a run or model id: recorded as the project's model whose folder modelFolder is,
  // when the project has one (and nothing is recorded when it has none).
  bool recordAsProjectModel = false;
  std::string suite;  // the name stored with it; empty: the data file's name
};

class EvaluationJob : public Job {
 public:
  // Throws tunebench::Error when the request names an evaluator the registry does not have.
  EvaluationJob(const PluginRegistry& plugins, EvaluationRequest request);

  std::string name() const override { return "evaluation"; }
  void run(JobContext& context) override;

  const EvaluationRequest& request() const { return request_; }
  bool records() const {
    return !request_.projectFile.empty() &&
           (request_.runId > 0 || request_.modelId > 0 || request_.recordAsProjectModel);
  }
  // Valid once run() has returned normally: the evaluator that ran and what it found.
  const std::string& evaluatorId() const { return evaluatorId_; }
  const EvaluatorResult& result() const { return result_; }
  // The recorded evaluation's id; 0 when nothing was recorded. Any thread may ask.
  int64_t evaluationId() const { return evaluationId_.load(); }

 private:
  std::shared_ptr<Evaluator> chooseEvaluator(const ModelSource& source) const;
  // The settings without the job's own "cache" key.
  nlohmann::json evaluatorSettings() const;
  bool usesCache() const;

  EvaluationRequest request_;
  std::vector<std::shared_ptr<Evaluator>> evaluators_;
  std::string evaluatorId_;
  EvaluatorResult result_;
  std::atomic<int64_t> evaluationId_{0};
};

// The items as the project stores them (details as JSON text), indexed in order.
std::vector<store::EvaluationItem> evaluationItems(const EvaluatorResult& result);

// Stores a result as the evaluation `what` says (run, checkpoint or model; suite and identity):
// its metrics in order and its items, in one transaction. Returns its id.
int64_t recordEvaluatorResult(store::ProjectStore& project, const store::NewEvaluation& what,
                              const EvaluatorResult& result);

// The built-in generation evaluation's result, stored as BuiltinEvaluationResults.h describes.
int64_t recordEvaluation(store::ProjectStore& project, const store::NewEvaluation& what,
                         const EvaluationResult& result);

}  // namespace tunebench
