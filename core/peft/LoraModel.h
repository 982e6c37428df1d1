#pragma once
// Putting LoRA adapters into a model and taking them out again. Adapted layers keep their
// Hugging Face module paths, so PEFT's tensor names follow from them.
#include <string>
#include <utility>
#include <vector>

#include "model/CausalLM.h"
#include "peft/LoraLinear.h"

namespace tunebench {

// Wraps every linear layer whose path matches a target (see LoraConfig::targets) in a
// LoraLinear (or adds the adapter to an existing one), activates the new adapter there and
// freezes every parameter except adapter tensors. Returns the adapted module paths. Throws when
// a target matches no linear layer.
std::vector<std::string> applyLora(CausalLMImpl& model, const LoraConfig& config);

// The model's LoRA layers with their module paths, in module order.
std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> loraLayers(
    const CausalLMImpl& model);

void setActiveLoraAdapter(CausalLMImpl& model, const std::string& name);
void mergeLora(CausalLMImpl& model);
void unmergeLora(CausalLMImpl& model);

// Merges the active adapter and puts plain linear layers back (the model then saves as an
// ordinary Hugging Face folder). The merged weights stay frozen as they were.
void mergeAndUnloadLora(CausalLMImpl& model);

// Whether a module path matches a LoRA target ("q_proj" matches "model.layers.0.self_attn.q_proj").
bool matchesLoraTarget(const std::string& modulePath, const std::string& target);

}  // namespace tunebench
