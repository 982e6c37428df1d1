#pragma once
// An evaluation as a Job: reads the examples, evaluates a model folder (and adapter) and, when it
// is tied to a run of a project, records the evaluation there on its own connection (suite,
// metrics and one item per example). A sequence classifier is evaluated on labelled texts
// (ClassifierEvaluation.h) instead of prompt/response pairs. A canceled evaluation is not recorded. The GUI's Evaluate
// panel and any other front end use it alike. This header does not include LibTorch.
#include <atomic>
#include <cstdint>
#include <string>

#include "eval/ClassifierEvaluation.h"
#include "eval/Evaluation.h"
#include "jobs/JobContext.h"

namespace tunebench {

namespace store {
class ProjectStore;
}

struct EvaluationRequest {
  std::string modelFolder;
  std::string adapterFolder;  // empty: the model alone
  // A run's checkpoint: modelFolder is then the run's base model (see ModelSource).
  std::string checkpointFolder;
  std::string dataFile;  // JSON Lines
  std::string promptField = "prompt";
  std::string responseField = "response";
  EvaluationOptions options;
  // For a sequence classifier: its text and label fields and max length (batch size and the
  // example limit come from `options`).
  std::string textField = "text";
  std::string labelField = "label";
  int64_t maxLength = 256;
  // Where the evaluation is recorded: both set, or it is not recorded.
  std::string projectFile;
  int64_t runId = 0;
  std::string suite;  // the name stored with it; empty: the data file's name
};

class EvaluationJob : public Job {
 public:
  explicit EvaluationJob(EvaluationRequest request);

  std::string name() const override { return "evaluation"; }
  void run(JobContext& context) override;

  const EvaluationRequest& request() const { return request_; }
  bool records() const { return !request_.projectFile.empty() && request_.runId > 0; }
  // Valid once run() has returned normally: whether the model was a classifier, and the result
  // of the evaluation it had.
  bool classified() const { return classified_; }
  const EvaluationResult& result() const { return result_; }
  const ClassifierEvaluationResult& classifierResult() const { return classifierResult_; }
  // The recorded evaluation's id; 0 when nothing was recorded. Any thread may ask.
  int64_t evaluationId() const { return evaluationId_.load(); }

 private:
  EvaluationRequest request_;
  EvaluationResult result_;
  bool classified_ = false;
  ClassifierEvaluationResult classifierResult_;
  std::atomic<int64_t> evaluationId_{0};
};

// Stores a result as an evaluation of the run: metrics exact_match, perplexity, mean_nll and
// examples; one item per example (score 1 for an exact match, 0 otherwise). Returns its id.
int64_t recordEvaluation(store::ProjectStore& project, int64_t runId, const std::string& suite,
                         const EvaluationResult& result);

// Stores a classifier's result: metrics accuracy, macro_f1 and examples, plus precision, recall
// and f1 of every class ("f1 <class>"); one item per example (input the text, expected the
// label, output the predicted class, score 1 when they agree; details: probability, line and
// both class indexes). The confusion matrix is the items' expected/output pairs
// (StoredClassifierEvaluation.h reads it back). Returns its id.
int64_t recordClassifierEvaluation(store::ProjectStore& project, int64_t runId,
                                   const std::string& suite,
                                   const ClassifierEvaluationResult& result);

}  // namespace tunebench
