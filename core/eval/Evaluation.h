#pragma once
// Evaluating a model folder (optionally with a PEFT adapter on top) on prompt/response pairs:
// the perplexity of the reference responses, tokenised exactly as SFT training tokenises them,
// and the exact-match rate of greedy generations.
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/JobContext.h"
#include "plugins/ModelSource.h"

namespace tunebench {

struct EvalExample {
  std::string prompt;
  std::string reference;
};

struct EvaluationOptions {
  int64_t maxNewTokens = 32;
  int64_t batchSize = 8;    // prompts generated together (left-padded batches)
  int64_t maxExamples = 0;  // 0 = all
};

struct ExampleOutcome {
  std::string prompt, reference, generated;
  bool exactMatch = false;
  double responseNll = 0.0;  // summed negative log-likelihood of reference response + EOS
  int64_t responseTokens = 0;
  std::vector<int64_t> generatedIds;  // the new ids, without the stop token
};

struct EvaluationResult {
  int64_t examples = 0;
  double exactMatch = 0.0;  // share in [0,1]
  double perplexity = 0.0;  // exp(total NLL / total response tokens)
  double meanNll = 0.0;     // total NLL / total response tokens
  std::vector<ExampleOutcome> outcomes;
  int64_t responseTokens = 0;  // total scored tokens
  bool canceled = false;       // the context canceled: the figures cover `examples` done so far
};

// Reads JSON Lines; errors (tunebench::Error) name the file, line and field. Blank lines are
// skipped; a file without any example is an error.
std::vector<EvalExample> loadEvalExamples(const std::string& path,
                                          const std::string& promptField = "prompt",
                                          const std::string& responseField = "response");

// Evaluates a model folder, optionally with a PEFT adapter folder (as written by the trainer:
// TrainingResult::adapterFolder) applied on top; adapterFolder empty = the model alone.
// Token ids follow SFT training: [bos] + encode(prompt) + encode(response) + [eos], scored on
// response + eos; generation is greedy from [bos] + encode(prompt) and stops at EOS. Reports
// progress to context when given and returns early (result.canceled) when it cancels.
EvaluationResult evaluateModelFolder(const std::string& modelFolder,
                                     const std::string& adapterFolder,
                                     const std::vector<EvalExample>& examples,
                                     const EvaluationOptions& options,
                                     JobContext* context = nullptr);

// The same for any model source: a folder, a folder with an adapter, or a run's checkpoint (its
// base model's tokenizer is used).
EvaluationResult evaluateModel(const ModelSource& source, const std::vector<EvalExample>& examples,
                               const EvaluationOptions& options, JobContext* context = nullptr);

// Exact match compares after trimming whitespace at both ends.
bool answersMatch(const std::string& generated, const std::string& reference);

}  // namespace tunebench
