#pragma once
// LoRA/DoRA adapters in Hugging Face PEFT's folder layout: adapter_config.json and
// adapter_model.safetensors with keys base_model.model.<module path>.lora_A.weight,
// .lora_B.weight and (DoRA) .lora_magnitude_vector; PEFT loads such a folder unchanged.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/CausalLM.h"
#include "peft/LoraConfig.h"

namespace tunebench {

// The file's tensor names and tensors of one adapter, in module order.
std::vector<std::pair<std::string, torch::Tensor>> peftAdapterTensors(const CausalLMImpl& model,
                                                                      const std::string& adapter);

// adapter_config.json of one adapter of the model.
nlohmann::json peftAdapterConfigJson(const CausalLMImpl& model, const std::string& adapter,
                                     const std::string& baseModelNameOrPath);

// Writes the adapter into `folder` (created if needed). Throws when the model has no such adapter.
void savePeftAdapter(const CausalLMImpl& model, const std::string& folder,
                     const std::string& adapter = "default",
                     const std::string& baseModelNameOrPath = {});

// Reads adapter_config.json into a LoraConfig named `adapterName`.
LoraConfig readPeftAdapterConfig(const std::string& folder,
                                 const std::string& adapterName = "default");

// Adds the adapter stored in `folder` to the model (applyLora with its config, then its
// tensors) and makes it active. Missing, unexpected and mis-shaped tensors are reported in
// one tunebench::Error naming the file; the model then keeps the new adapter at its initial
// (no-op) values.
LoraConfig loadPeftAdapter(CausalLMImpl& model, const std::string& folder,
                           const std::string& adapterName = "default");

}  // namespace tunebench
