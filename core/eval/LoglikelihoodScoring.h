#pragma once
// Log-likelihood of continuations given contexts, as lm-evaluation-harness's `loglikelihood`
// requests score them: trailing whitespace of the context moves onto the continuation, the
// context is tokenised alone and context + continuation together, and the continuation is what
// the whole has beyond the context's token count. A request's score is the summed
// log-probability of the continuation's tokens and whether each was the most likely (greedy).
//
// Requests sharing a context (the choices of one question) share its forward pass: the
// context runs once into a KV cache, and the continuations run from it, so a question whose
// choices are single tokens (MMLU's " A".." D") costs one forward pass. Contexts of one length
// are batched together, longest first (no padding, so attention keeps its causal fast path).
// `sharedContexts = false` scores every request as one full sequence instead (the reference path,
// and the baseline the benchmark compares with).
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "train/TrainingData.h"

namespace tunebench {

struct TokenizedRequest {
  std::vector<int64_t> context, continuation;
};

struct LoglikelihoodScore {
  double logLikelihood = 0.0;
  bool greedy = true;
};

struct LoglikelihoodOptions {
  int64_t batchSize = 8;  // contexts (or full sequences) per forward pass
  bool sharedContexts = true;
};

struct LoglikelihoodResult {
  std::vector<LoglikelihoodScore> scores;  // in the requests' order
  std::vector<bool> scored;                // false for requests a cancel left out
  bool canceled = false;
};

// The harness's _encode_pair, with the beginning-of-sequence token in front when the tokenizer
// adds one by default. An empty context becomes startTokenOf(encoder) alone.
TokenizedRequest tokenizeRequest(const TextEncoder& encoder, const std::string& context,
                                 const std::string& continuation);

// The token an empty context starts from (the harness's prefix_token_id): the tokenizer's
// beginning-of-sequence token, else its end-of-sequence token; -1 when it has neither.
int64_t startTokenOf(const TextEncoder& encoder);

// Scores the requests with the model in eval mode, without gradients. Requests longer than the
// model's context are cut from the left as the harness cuts them. Reports progress in requests
// and stops between batches when `context` cancels.
LoglikelihoodResult scoreLoglikelihoods(CausalLMImpl& model,
                                        const std::vector<TokenizedRequest>& requests,
                                        const LoglikelihoodOptions& options,
                                        JobContext* context = nullptr);

}  // namespace tunebench
