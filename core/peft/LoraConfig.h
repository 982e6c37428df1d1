#pragma once
// Settings of one LoRA (or DoRA) adapter, as chosen in a training config or read from a PEFT
// adapter_config.json.
#include <cstdint>
#include <string>
#include <vector>

namespace tunebench {

struct LoraConfig {
  int64_t r = 8;
  double alpha = 16.0;
  double dropout = 0.0;
  bool rslora = false;  // scaling alpha/√r instead of alpha/r
  bool dora = false;    // weight-decomposed LoRA (trainable magnitude per output row)
  // Module names (the last part of the path, e.g. "q_proj", or a dotted tail such as
  // "self_attn.q_proj") whose linear layers receive the adapter.
  std::vector<std::string> targets = {"q_proj", "v_proj"};
  std::string adapterName = "default";
};

// The factor applied to B·A: alpha/r, or alpha/√r with rsLoRA.
double loraScaling(const LoraConfig& config);

}  // namespace tunebench
