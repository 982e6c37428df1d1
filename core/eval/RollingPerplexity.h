#pragma once
// Perplexity of whole texts longer than the model's context, as lm-evaluation-harness's
// `loglikelihood_rolling` computes it: the text's tokens are cut into disjoint windows of the
// model's length, the first one predicted from a single start token (beginning-of-sequence, else
// end-of-sequence), each later one from the token before it, so every token is predicted once.
// A set of texts reports word perplexity (words as Python's re.split(r"\s+") counts them), byte
// perplexity and bits per byte, each from the summed log-likelihood over the summed counts.
#include <cstdint>
#include <string>
#include <vector>

#include "eval/LoglikelihoodScoring.h"
#include "plugins/Evaluator.h"

namespace tunebench {

// The harness's get_rolling_token_windows with context_len 1, made disjoint: (context,
// continuation) requests that together predict every token once.
std::vector<TokenizedRequest> rollingWindows(const std::vector<int64_t>& tokens, int64_t startToken,
                                             int64_t maxLength);

// len(re.split(r"\s+", text)): whitespace runs + 1 (leading and trailing runs count too).
int64_t pythonWordCount(const std::string& text);

struct RollingPerplexityOptions {
  int64_t maxLength = 0;  // tokens per window; 0 = the model's context
  int64_t batchSize = 8;
  EvaluationCache* cache = nullptr;  // windows scored before (LoglikelihoodScoring.h); not owned
};

// Scores the texts with the model source: metrics word_perplexity, byte_perplexity,
// bits_per_byte, tokens; one item per text with its log-likelihood, words and bytes.
EvaluatorResult evaluateRollingPerplexity(const ModelSource& source,
                                          const std::vector<std::string>& texts,
                                          const RollingPerplexityOptions& options,
                                          JobContext& context);

}  // namespace tunebench
