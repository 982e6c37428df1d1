#pragma once
// QLoRA on a whole model: every attention and MLP projection's weight goes to NF4, then LoRA
// adapters go on top of the target layers (applyLora sees the quantised layers as LoRA layers).
#include <string>
#include <vector>

#include "model/CausalLM.h"
#include "peft/LoraConfig.h"

namespace tunebench {

struct QuantizedBase {
  int64_t layers = 0;      // linear layers held in NF4
  int64_t parameters = 0;  // their weights' element count
  int64_t nf4Bytes = 0;    // memory of the quantised form (codes and double-quantised scales)
  int64_t fp32Bytes = 0;   // what the same weights take at fp32
};

// Replaces every attention and MLP projection by a QloraLinear whose base is in NF4 (lm_head and
// the embeddings stay as they are). The full-precision weights of those layers are released.
// Throws when a layer already carries an adapter.
QuantizedBase quantizeLinearLayers(CausalLMImpl& model);

// The NF4 layers the model holds now.
QuantizedBase quantizedBaseOf(const CausalLMImpl& model);

// quantizeLinearLayers, then applyLora; returns the adapted module paths.
std::vector<std::string> applyQlora(CausalLMImpl& model, const LoraConfig& config);

}  // namespace tunebench
