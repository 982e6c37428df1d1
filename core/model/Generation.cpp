#include "model/Generation.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace {

// Comparisons are written so that NaN fails them too.
void checkSettings(const GenerationSettings& s, int64_t contextLength) {
  if (s.maxNewTokens < 0) throw Error("max new tokens must not be negative");
  // The cache is sized for prompt + new tokens up front: an absurd count must not allocate.
  if (s.maxNewTokens > contextLength)
    throw Error("max new tokens is " + std::to_string(s.maxNewTokens) +
                ", more than the model's context of " + std::to_string(contextLength) + " tokens");
  if (!(s.temperature >= 0 && std::isfinite(s.temperature)))
    throw Error("temperature must be a number of at least 0");
  if (s.topK < 0) throw Error("top-k must not be negative");
  if (!(s.topP > 0 && s.topP <= 1)) throw Error("top-p must be in (0, 1]");
  if (!(s.repetitionPenalty > 0 && std::isfinite(s.repetitionPenalty)))
    throw Error("repetition penalty must be positive");
  if (!s.stopStrings.empty() && !s.decode)
    throw Error("stop strings need a decoder to turn tokens into text");
}

// Penalises tokens already present (CTRL-style: divide positive logits, multiply negative ones).
void penaliseRepeats(torch::Tensor& logits, const std::vector<std::vector<int64_t>>& seen,
                     double penalty) {
  for (size_t b = 0; b < seen.size(); ++b) {
    auto row = logits[static_cast<int64_t>(b)];
    std::vector<int64_t> unique(seen[b]);
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    if (unique.empty()) continue;
    const auto index = torch::tensor(unique, torch::kInt64).to(row.device());
    const auto values = row.index_select(0, index);
    row.index_copy_(0, index, torch::where(values > 0, values / penalty, values * penalty));
  }
}

torch::Tensor chooseTokens(torch::Tensor logits, const GenerationSettings& s,
                           at::Generator& generator) {
  if (s.temperature == 0.0) return logits.argmax(-1);
  logits = logits / s.temperature;
  const int64_t vocab = logits.size(-1);
  if (s.topK > 0 && s.topK < vocab) {
    const auto threshold = std::get<0>(logits.topk(s.topK, -1)).narrow(-1, s.topK - 1, 1);
    logits = logits.masked_fill(logits < threshold, -std::numeric_limits<float>::infinity());
  }
  if (s.topP < 1.0) {
    const auto [sorted, order] = logits.sort(-1, true);
    const auto probabilities = sorted.softmax(-1);
    // Drop a token when the tokens ranked above it already reach top-p (the first always stays).
    const auto remove = (probabilities.cumsum(-1) - probabilities) >= s.topP;
    const auto filtered = sorted.masked_fill(remove, -std::numeric_limits<float>::infinity());
    logits = torch::full_like(logits, -std::numeric_limits<float>::infinity())
                 .scatter(-1, order, filtered);
  }
  const auto probabilities = logits.softmax(-1).to(torch::kCPU, torch::kFloat64);
  return torch::multinomial(probabilities, 1, false, generator).squeeze(-1).to(logits.device());
}

bool endsWithStopString(const std::vector<int64_t>& generated, const GenerationSettings& s) {
  if (s.stopStrings.empty()) return false;
  // Decoding only the tail keeps this cheap; 16 tokens cover any reasonable stop string.
  const size_t tail = std::min<size_t>(generated.size(), 16);
  const auto text = s.decode(std::vector<int64_t>(generated.end() - tail, generated.end()));
  for (const auto& stop : s.stopStrings)
    if (!stop.empty() && text.find(stop) != std::string::npos) return true;
  return false;
}

}  // namespace

std::vector<std::vector<int64_t>> generate(CausalLMImpl& model,
                                           const std::vector<std::vector<int64_t>>& prompts,
                                           const GenerationSettings& settings,
                                           const TokenCallback& onToken) {
  checkSettings(settings, model.config().maxPositions);
  if (prompts.empty()) return {};
  torch::NoGradGuard noGrad;
  const auto device = model.parameters().front().device();
  const int64_t batch = static_cast<int64_t>(prompts.size());
  size_t longest = 0;
  for (size_t b = 0; b < prompts.size(); ++b) {
    if (prompts[b].empty()) throw Error("prompt " + std::to_string(b) + " has no tokens");
    longest = std::max(longest, prompts[b].size());
  }
  const int64_t promptLength = static_cast<int64_t>(longest);
  const int64_t capacity = promptLength + settings.maxNewTokens;

  // Left padding keeps every sequence's newest token in the last column.
  auto ids = torch::full({batch, promptLength}, settings.padId, torch::kInt64);
  auto mask = torch::zeros({batch, capacity}, torch::kInt64);
  for (int64_t b = 0; b < batch; ++b) {
    const auto& prompt = prompts[static_cast<size_t>(b)];
    const int64_t offset = promptLength - static_cast<int64_t>(prompt.size());
    ids[b]
        .narrow(0, offset, static_cast<int64_t>(prompt.size()))
        .copy_(torch::tensor(prompt, torch::kInt64));
    mask[b].narrow(0, offset, static_cast<int64_t>(prompt.size())).fill_(1);
  }
  ids = ids.to(device);
  mask = mask.to(device);
  const bool padded = (mask.narrow(1, 0, promptLength) == 0).any().item<bool>();

  auto generator = at::detail::createCPUGenerator(settings.seed);
  std::vector<std::vector<int64_t>> generated(prompts.size());
  std::vector<std::vector<int64_t>> seen(prompts.begin(), prompts.end());
  std::vector<bool> finished(prompts.size(), false);
  KVCache cache;
  if (settings.useCache) cache = model.makeCache(batch, capacity);

  auto sequence = ids;  // all tokens so far, for the uncached path
  auto next = ids;      // tokens to feed this step
  for (int64_t step = 0; step < settings.maxNewTokens; ++step) {
    const int64_t seenLength = promptLength + step;
    ForwardInput input;
    input.lastPositionOnly = true;
    if (padded) input.paddingMask = mask.narrow(1, 0, seenLength);
    if (settings.useCache) {
      input.inputIds = next;
      input.cache = &cache;
    } else {
      input.inputIds = sequence;
    }
    auto logits = model.forward(input).squeeze(1);  // [B, V]
    if (settings.repetitionPenalty != 1.0)
      penaliseRepeats(logits, seen, settings.repetitionPenalty);
    const auto chosen = chooseTokens(logits, settings, generator).to(torch::kCPU);

    bool allDone = true;
    auto chosenIds = chosen.accessor<int64_t, 1>();
    auto column = torch::empty({batch}, torch::kInt64);
    for (int64_t b = 0; b < batch; ++b) {
      const size_t i = static_cast<size_t>(b);
      int64_t token = chosenIds[b];
      if (finished[i]) token = settings.padId;
      column[b] = token;
      if (!finished[i]) {
        generated[i].push_back(token);
        seen[i].push_back(token);
        if (onToken && !onToken(i, token)) return generated;
        const bool stopId = std::find(settings.stopIds.begin(), settings.stopIds.end(), token) !=
                            settings.stopIds.end();
        if (stopId || endsWithStopString(generated[i], settings)) finished[i] = true;
      }
      allDone = allDone && finished[i];
    }
    if (allDone) break;
    next = column.to(device).unsqueeze(1);
    sequence = torch::cat({sequence, next}, 1);
    // Finished rows keep feeding padding, which later steps may still attend: mark it real so
    // the row's positions stay consistent with the cached path; its output is ignored anyway.
    mask.narrow(1, seenLength, 1).fill_(1);
  }
  return generated;
}

}  // namespace tunebench
