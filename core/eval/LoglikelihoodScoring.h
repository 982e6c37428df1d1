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
//
// With a cache (plugins/EvaluationCache.h), requests found there are not run: the rest are
// scored as above (batched among themselves), and each batch's scores are stored as soon as it is
// done, so that a cancel or a crash loses at most one batch. A cached score is the one computed,
// so the result is the same either way.
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/JobContext.h"
#include "model/CausalLM.h"
#include "plugins/EvaluationCache.h"
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
  EvaluationCache* cache = nullptr;  // not owned; nullptr: every request is run
};

struct LoglikelihoodResult {
  std::vector<LoglikelihoodScore> scores;  // in the requests' order
  std::vector<bool> scored;                // false for requests a cancel left out
  bool canceled = false;
  size_t fromCache = 0;  // requests whose score came from the cache
};

// The harness's _encode_pair, with the beginning-of-sequence token in front when the tokenizer
// adds one by default. An empty context becomes startTokenOf(encoder) alone.
TokenizedRequest tokenizeRequest(const TextEncoder& encoder, const std::string& context,
                                 const std::string& continuation);

// The token an empty context starts from (the harness's prefix_token_id): the tokenizer's
// beginning-of-sequence token, else its end-of-sequence token; -1 when it has neither.
int64_t startTokenOf(const TextEncoder& encoder);

// The cache's model identity together with what the model computes in (its parameters' dtype and
// device): scores of one model in float32 on the CPU and in bfloat16 on a GPU differ, so they are
// kept apart. The batch size and the scoring path are left out: they change scores by rounding
// only. Empty when `modelIdentity` is.
std::string computedModelIdentity(const std::string& modelIdentity, CausalLMImpl& model);

// The cache key of a request's score: the SHA-256 (hex) of computedModelIdentity and the
// request's context and continuation ids, each list preceded by its length so that no two
// requests share a key.
std::string scoredRequestKey(const std::string& modelIdentity, const TokenizedRequest& request);

// Scores the requests with the model in eval mode, without gradients. Requests longer than the
// model's context are cut from the left as the harness cuts them. Reports progress in requests
// (cached ones count as done) and stops between batches when `context` cancels; with a cache,
// logs how many requests came from it.
LoglikelihoodResult scoreLoglikelihoods(CausalLMImpl& model,
                                        const std::vector<TokenizedRequest>& requests,
                                        const LoglikelihoodOptions& options,
                                        JobContext* context = nullptr);

}  // namespace tunebench
