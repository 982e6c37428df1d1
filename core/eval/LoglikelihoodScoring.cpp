#include "eval/LoglikelihoodScoring.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

#include "common/Error.h"
#include "common/PythonStrings.h"
#include "common/Sha256.h"
#include "common/TorchPch.h"
#include "tokenizer/Tokenizer.h"

namespace tunebench {

namespace {

// The requests of one context (one question's choices).
struct ContextGroup {
  std::vector<int64_t> context;
  std::vector<size_t> members;
  size_t longestContinuation = 0;
};

std::vector<ContextGroup> groupByContext(const std::vector<TokenizedRequest>& requests) {
  std::map<std::vector<int64_t>, size_t> where;
  std::vector<ContextGroup> groups;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto found = where.emplace(requests[i].context, groups.size());
    if (found.second) groups.push_back({requests[i].context, {}, 0});
    auto& group = groups[found.first->second];
    group.members.push_back(i);
    group.longestContinuation =
        std::max(group.longestContinuation, requests[i].continuation.size());
  }
  return groups;
}

torch::Device deviceOf(CausalLMImpl& model) {
  return model.parameters().front().device();
}

torch::Tensor idsTensor(const std::vector<int64_t>& ids) {
  return torch::tensor(ids, torch::kInt64);
}

// Sums the log-probabilities `logProbabilities` [T, V] give `targets` (T ids) and whether each
// target was the most likely token.
LoglikelihoodScore scoreTargets(const torch::Tensor& logProbabilities,
                                const std::vector<int64_t>& targets) {
  LoglikelihoodScore score;
  if (targets.empty()) return score;
  const auto ids = idsTensor(targets).to(logProbabilities.device()).unsqueeze(-1);
  const auto picked = logProbabilities.gather(-1, ids).squeeze(-1).to(torch::kCPU, torch::kDouble);
  score.logLikelihood = picked.sum().item<double>();
  const auto greedy = logProbabilities.argmax(-1).to(torch::kCPU);
  score.greedy = torch::equal(greedy, idsTensor(targets));
  return score;
}

// Where each finished batch goes: `onBatch` (storing its scores) first, then the progress, which
// counts the requests done before the scoring started (cached ones) as done.
class Progress {
 public:
  using BatchSink = std::function<void(const std::vector<size_t>& requests)>;
  Progress(JobContext* context, size_t total, size_t done, BatchSink onBatch)
      : context_(context), total_(total), done_(done), onBatch_(std::move(onBatch)) {}
  bool canceled() const { return context_ && context_->isCanceled(); }
  void batchDone(const std::vector<size_t>& requests) {
    if (onBatch_) onBatch_(requests);
    done_ += requests.size();
    if (context_)
      context_->progress(
          static_cast<int64_t>(done_), static_cast<int64_t>(total_),
          "scoring " + std::to_string(done_) + " of " + std::to_string(total_) + " requests");
  }

 private:
  JobContext* context_;
  size_t total_, done_;
  BatchSink onBatch_;
};

// The harness's path: each request is one sequence, context + continuation without its last
// token, cut from the left to the model's context; batched right-padded, longest first.
void scoreFullSequences(CausalLMImpl& model, const std::vector<TokenizedRequest>& requests,
                        const std::vector<size_t>& which, int64_t batchSize,
                        LoglikelihoodResult& result, Progress& progress) {
  const int64_t maxPositions = model.config().maxPositions;
  std::vector<std::vector<int64_t>> inputs(requests.size());
  for (size_t i : which) {
    const auto& request = requests[i];
    if (maxPositions > 0 && static_cast<int64_t>(request.continuation.size()) > maxPositions)
      throw Error("a continuation of " + std::to_string(request.continuation.size()) +
                  " tokens is longer than the model's context of " + std::to_string(maxPositions));
    auto& input = inputs[i];
    input = request.context;
    input.insert(input.end(), request.continuation.begin(), request.continuation.end());
    if (maxPositions > 0 && static_cast<int64_t>(input.size()) > maxPositions + 1)
      input.erase(input.begin(), input.end() - (maxPositions + 1));
    input.pop_back();
  }
  auto order = which;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return inputs[a].size() > inputs[b].size(); });
  const auto device = deviceOf(model);
  for (size_t from = 0; from < order.size(); from += static_cast<size_t>(batchSize)) {
    if (progress.canceled()) return;
    const size_t to = std::min(order.size(), from + static_cast<size_t>(batchSize));
    const int64_t length = static_cast<int64_t>(inputs[order[from]].size());
    auto ids = torch::zeros({static_cast<int64_t>(to - from), length}, torch::kInt64);
    for (size_t r = from; r < to; ++r) {
      const auto& input = inputs[order[r]];
      ids[static_cast<int64_t>(r - from)]
          .narrow(0, 0, static_cast<int64_t>(input.size()))
          .copy_(idsTensor(input));
    }
    ForwardInput forward;
    forward.inputIds = ids.to(device);
    const auto logits = model.forward(forward);
    for (size_t r = from; r < to; ++r) {
      const size_t i = order[r];
      const auto& continuation = requests[i].continuation;
      const int64_t count = static_cast<int64_t>(continuation.size());
      const int64_t end = static_cast<int64_t>(inputs[i].size());
      const auto rows = logits[static_cast<int64_t>(r - from)].narrow(0, end - count, count);
      result.scores[i] = scoreTargets(rows.log_softmax(-1), continuation);
      result.scored[i] = true;
    }
    progress.batchDone({order.begin() + from, order.begin() + to});
  }
}

}  // namespace

namespace {

// One batch of contexts of one length (no padding, so attention keeps its plain causal path: a
// padding mask would make every layer materialise its scores), run into a KV cache; their last
// position's log-probabilities score every continuation's first token.
struct ContextBatch {
  std::vector<const ContextGroup*> groups;
  KVCache cache;
  torch::Tensor lastLogProbabilities;  // [B, V]
};

ContextBatch runContexts(CausalLMImpl& model, std::vector<const ContextGroup*> groups) {
  ContextBatch batch;
  batch.groups = std::move(groups);
  const int64_t rows = static_cast<int64_t>(batch.groups.size());
  size_t longest = 0, longestContinuation = 1;
  for (const auto* group : batch.groups) {
    longest = std::max(longest, group->context.size());
    longestContinuation = std::max(longestContinuation, group->longestContinuation);
  }
  const int64_t length = static_cast<int64_t>(longest);
  auto ids = torch::zeros({rows, length}, torch::kInt64);
  for (int64_t b = 0; b < rows; ++b) {
    const auto& context = batch.groups[static_cast<size_t>(b)]->context;
    if (static_cast<int64_t>(context.size()) != length)
      throw Error("scoring: a context batch mixes lengths");
    ids[b].copy_(idsTensor(context));
  }
  const auto device = deviceOf(model);
  batch.cache = model.makeCache(rows, length + static_cast<int64_t>(longestContinuation) - 1);
  ForwardInput input;
  input.inputIds = ids.to(device);
  input.cache = &batch.cache;
  input.lastPositionOnly = true;
  batch.lastLogProbabilities = model.forward(input).squeeze(1).log_softmax(-1);
  return batch;
}

struct ContinuationRow {
  int64_t contextRow;
  size_t request;
};

// Continuations of several tokens, each from its context's cached keys and values: the row's
// first token is fed after the context, and the logits score the tokens after it.
void runContinuations(CausalLMImpl& model, const ContextBatch& batch,
                      const std::vector<ContinuationRow>& rows,
                      const std::vector<TokenizedRequest>& requests, LoglikelihoodResult& result) {
  const int64_t count = static_cast<int64_t>(rows.size());
  size_t longest = 0;
  for (const auto& row : rows)
    longest = std::max(longest, requests[row.request].continuation.size() - 1);
  const int64_t length = static_cast<int64_t>(longest);
  const auto device = deviceOf(model);
  // Right-padded: a padding token comes after every real one, which causal attention keeps
  // from ever seeing it.
  auto ids = torch::zeros({count, length}, torch::kInt64);
  std::vector<int64_t> contextRows;
  for (int64_t r = 0; r < count; ++r) {
    const auto& continuation = requests[rows[static_cast<size_t>(r)].request].continuation;
    const int64_t fed = static_cast<int64_t>(continuation.size()) - 1;
    ids[r].narrow(0, 0, fed).copy_(idsTensor(continuation).narrow(0, 0, fed));
    contextRows.push_back(rows[static_cast<size_t>(r)].contextRow);
  }
  const auto select = idsTensor(contextRows).to(device);
  KVCache cache;
  for (size_t layer = 0; layer < batch.cache.keys.size(); ++layer) {
    cache.keys.push_back(batch.cache.keys[layer].index_select(0, select));
    cache.values.push_back(batch.cache.values[layer].index_select(0, select));
  }
  cache.length = batch.cache.length;
  ForwardInput input;
  input.inputIds = ids.to(device);
  input.cache = &cache;
  const auto logProbabilities = model.forward(input).log_softmax(-1);
  for (int64_t r = 0; r < count; ++r) {
    const size_t i = rows[static_cast<size_t>(r)].request;
    const auto& continuation = requests[i].continuation;
    const std::vector<int64_t> rest(continuation.begin() + 1, continuation.end());
    const auto tail =
        scoreTargets(logProbabilities[r].narrow(0, 0, static_cast<int64_t>(rest.size())), rest);
    result.scores[i].logLikelihood += tail.logLikelihood;
    result.scores[i].greedy = result.scores[i].greedy && tail.greedy;
  }
}

void scoreContextBatch(CausalLMImpl& model, std::vector<const ContextGroup*> groups,
                       const std::vector<TokenizedRequest>& requests, int64_t rowsPerPass,
                       LoglikelihoodResult& result) {
  const auto batch = runContexts(model, std::move(groups));
  const auto greedyFirst = batch.lastLogProbabilities.argmax(-1).to(torch::kCPU);
  const auto firstScores = batch.lastLogProbabilities.to(torch::kCPU, torch::kDouble);
  std::vector<ContinuationRow> longer;
  for (size_t b = 0; b < batch.groups.size(); ++b) {
    const int64_t row = static_cast<int64_t>(b);
    for (size_t i : batch.groups[b]->members) {
      const auto& continuation = requests[i].continuation;
      auto& score = result.scores[i];
      score = {};
      if (!continuation.empty()) {
        score.logLikelihood = firstScores[row][continuation.front()].item<double>();
        score.greedy = greedyFirst[row].item<int64_t>() == continuation.front();
      }
      if (continuation.size() > 1) longer.push_back({row, i});
      result.scored[i] = true;
    }
  }
  for (size_t from = 0; from < longer.size(); from += static_cast<size_t>(rowsPerPass)) {
    const size_t to = std::min(longer.size(), from + static_cast<size_t>(rowsPerPass));
    runContinuations(model, batch, {longer.begin() + from, longer.begin() + to}, requests, result);
  }
}

void scoreSharedContexts(CausalLMImpl& model, const std::vector<TokenizedRequest>& requests,
                         int64_t batchSize, LoglikelihoodResult& result, Progress& progress) {
  const int64_t maxPositions = model.config().maxPositions;
  auto groups = groupByContext(requests);
  std::vector<const ContextGroup*> shared;
  std::vector<size_t> tooLong;  // cut from the left as whole sequences, the harness's way
  for (const auto& group : groups) {
    const int64_t inputLength =
        static_cast<int64_t>(group.context.size() +
                             std::max<size_t>(group.longestContinuation, 1)) -
        1;
    if (maxPositions > 0 && inputLength > maxPositions)
      tooLong.insert(tooLong.end(), group.members.begin(), group.members.end());
    else
      shared.push_back(&group);
  }
  // Longest first; a batch holds contexts of one length only.
  std::stable_sort(shared.begin(), shared.end(), [](const ContextGroup* a, const ContextGroup* b) {
    return a->context.size() > b->context.size();
  });
  for (size_t from = 0, to = 0; from < shared.size(); from = to) {
    if (progress.canceled()) return;
    to = from + 1;
    while (to < shared.size() && to - from < static_cast<size_t>(batchSize) &&
           shared[to]->context.size() == shared[from]->context.size())
      ++to;
    std::vector<const ContextGroup*> batch(shared.begin() + from, shared.begin() + to);
    std::vector<size_t> members;
    for (const auto* group : batch)
      members.insert(members.end(), group->members.begin(), group->members.end());
    scoreContextBatch(model, std::move(batch), requests, batchSize, result);
    progress.batchDone(members);
  }
  if (!tooLong.empty()) scoreFullSequences(model, requests, tooLong, batchSize, result, progress);
}

}  // namespace

int64_t startTokenOf(const TextEncoder& encoder) {
  if (encoder.tokenizer && encoder.tokenizer->specialIds().bos >= 0)
    return encoder.tokenizer->specialIds().bos;
  return encoder.bosId >= 0 ? encoder.bosId : encoder.eosId;
}

TokenizedRequest tokenizeRequest(const TextEncoder& encoder, const std::string& context,
                                 const std::string& continuation) {
  TokenizedRequest request;
  std::vector<int64_t> prefix;
  if (encoder.bosId >= 0) prefix.push_back(encoder.bosId);
  if (context.empty()) {
    const int64_t start = startTokenOf(encoder);
    if (start < 0)
      throw Error("an empty context needs a beginning- or end-of-sequence token to start from");
    request.context = {start};
    request.continuation = encoder.encode(continuation);
    return request;
  }
  std::string kept = pythonStrip(context, nullptr, false, true);
  // Text that is not valid UTF-8 comes back changed: nothing is moved then.
  if (context.compare(0, kept.size(), kept) != 0) kept = context;
  const std::string moved = context.substr(kept.size()) + continuation;
  auto whole = prefix;
  for (int64_t id : encoder.encode(kept + moved)) whole.push_back(id);
  request.context = prefix;
  for (int64_t id : encoder.encode(kept)) request.context.push_back(id);
  const size_t split = std::min(request.context.size(), whole.size());
  request.continuation.assign(whole.begin() + static_cast<std::ptrdiff_t>(split), whole.end());
  return request;
}

std::string computedModelIdentity(const std::string& modelIdentity, CausalLMImpl& model) {
  if (modelIdentity.empty()) return {};
  const auto parameter = model.parameters().front();
  return modelIdentity + " " + std::string(c10::toString(parameter.scalar_type())) + " on " +
         c10::DeviceTypeName(parameter.device().type(), true);
}

std::string scoredRequestKey(const std::string& modelIdentity, const TokenizedRequest& request) {
  std::string text = "scored request\n" + modelIdentity + "\n";
  for (const auto* ids : {&request.context, &request.continuation}) {
    text += std::to_string(ids->size()) + ":";
    for (int64_t id : *ids) text += std::to_string(id) + ",";
    text += "\n";
  }
  return sha256Hex(text);
}

namespace {

// The cached part of a scoring: scores found in the cache are in `result`, the keys of the
// others wait for their scores.
struct CacheLookup {
  std::vector<std::string> keys;  // empty without a cache
  std::vector<size_t> pending;    // requests to run, in order
};

CacheLookup lookUpCached(CausalLMImpl& model, const std::vector<TokenizedRequest>& requests,
                         EvaluationCache* cache, LoglikelihoodResult& result, JobContext* context) {
  CacheLookup lookup;
  const auto identity = cache ? computedModelIdentity(cache->modelIdentity(), model) : "";
  if (!identity.empty()) {
    for (const auto& request : requests) lookup.keys.push_back(scoredRequestKey(identity, request));
    const auto found = cache->findScores(lookup.keys);
    for (size_t i = 0; i < requests.size(); ++i) {
      if (i >= found.size() || !found[i]) continue;
      result.scores[i] = {found[i]->logLikelihood, found[i]->greedy};
      result.scored[i] = true;
      ++result.fromCache;
    }
    if (context) {
      const auto counts =
          std::to_string(result.fromCache) + " of " + std::to_string(requests.size()) + " requests";
      context->log(LogLevel::Info, counts + " from " + cache->description());
      if (result.fromCache > 0)
        context->progress(static_cast<int64_t>(result.fromCache),
                          static_cast<int64_t>(requests.size()), "scoring " + counts);
    }
  }
  for (size_t i = 0; i < requests.size(); ++i)
    if (!result.scored[i]) lookup.pending.push_back(i);
  return lookup;
}

void scoreRequests(CausalLMImpl& model, const std::vector<TokenizedRequest>& requests,
                   const LoglikelihoodOptions& options, LoglikelihoodResult& result,
                   Progress& progress) {
  if (options.sharedContexts) {
    scoreSharedContexts(model, requests, options.batchSize, result, progress);
  } else {
    std::vector<size_t> all(requests.size());
    std::iota(all.begin(), all.end(), size_t{0});
    scoreFullSequences(model, requests, all, options.batchSize, result, progress);
  }
}

}  // namespace

LoglikelihoodResult scoreLoglikelihoods(CausalLMImpl& model,
                                        const std::vector<TokenizedRequest>& requests,
                                        const LoglikelihoodOptions& options, JobContext* context) {
  if (options.batchSize < 1) throw Error("scoring: the batch size must be at least 1");
  if (model.isClassifier()) throw Error("scoring: a classifier has no language-model head");
  LoglikelihoodResult result;
  result.scores.resize(requests.size());
  result.scored.assign(requests.size(), false);
  torch::NoGradGuard noGradients;
  const auto lookup = lookUpCached(model, requests, options.cache, result, context);
  if (lookup.keys.empty()) {
    Progress progress(context, requests.size(), 0, {});
    scoreRequests(model, requests, options, result, progress);
  } else if (!lookup.pending.empty()) {
    // Only the missing requests run, batched among themselves as a scoring of them alone would.
    std::vector<TokenizedRequest> pending;
    for (size_t i : lookup.pending) pending.push_back(requests[i]);
    LoglikelihoodResult run;
    run.scores.resize(pending.size());
    run.scored.assign(pending.size(), false);
    Progress progress(context, requests.size(), result.fromCache, [&](const auto& batch) {
      std::vector<std::pair<std::string, CachedScore>> scores;
      for (size_t p : batch) {
        const size_t i = lookup.pending[p];
        result.scores[i] = run.scores[p];
        result.scored[i] = true;
        scores.emplace_back(lookup.keys[i],
                            CachedScore{run.scores[p].logLikelihood, run.scores[p].greedy});
      }
      options.cache->storeScores(scores);
    });
    scoreRequests(model, pending, options, run, progress);
  }
  result.canceled =
      std::find(result.scored.begin(), result.scored.end(), false) != result.scored.end();
  return result;
}

}  // namespace tunebench
