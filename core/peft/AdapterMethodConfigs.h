#pragma once
// Settings of the two adapter methods that add modules instead of changing linear weights:
// prompt tuning (virtual tokens in front of every sequence) and bottleneck (Houlsby) adapters.
// Neither can be merged into the base model's weights.
#include <cstdint>
#include <string>

namespace tunebench {

enum class PromptTuningInit { Random, Text };

struct PromptTuningConfig {
  int64_t virtualTokens = 20;
  PromptTuningInit init = PromptTuningInit::Random;
  std::string initText;  // Text: its token embeddings, repeated or cut to virtualTokens
};

enum class BottleneckActivation { Gelu, Relu };

struct BottleneckConfig {
  int64_t size = 64;  // the bottleneck width (hidden → size → hidden)
  BottleneckActivation activation = BottleneckActivation::Gelu;
};

inline const char* activationName(BottleneckActivation activation) {
  return activation == BottleneckActivation::Relu ? "relu" : "gelu";
}

}  // namespace tunebench
