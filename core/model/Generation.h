#pragma once
// Text generation from token prompts: greedy or sampled, with a KV cache (or without, as the
// reference path), batched prompts left-padded, stop ids/strings and a streaming callback.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/CausalLM.h"

namespace tunebench {

struct GenerationSettings {
  int64_t maxNewTokens = 64;
  double temperature = 0.0;  // 0 = greedy
  int64_t topK = 0;          // 0 = off
  double topP = 1.0;         // 1 = off
  double repetitionPenalty = 1.0;
  std::vector<int64_t> stopIds;  // e.g. the EOS ids; the stop token is kept in the output
  std::vector<std::string> stopStrings;
  // Turns generated ids into text; needed only for stopStrings.
  std::function<std::string(const std::vector<int64_t>&)> decode;
  uint64_t seed = 0;
  bool useCache = true;
  int64_t padId = 0;
};

// Called after each new token of sequence `index`; return false to stop everything.
using TokenCallback = std::function<bool(size_t index, int64_t token)>;

// Returns the generated ids (without the prompt) for each prompt. Throws tunebench::Error for
// empty prompts or settings out of range.
std::vector<std::vector<int64_t>> generate(CausalLMImpl& model,
                                           const std::vector<std::vector<int64_t>>& prompts,
                                           const GenerationSettings& settings,
                                           const TokenCallback& onToken = {});

}  // namespace tunebench
