#pragma once
// Prompt tuning (Lester et al. 2021): the base model stays frozen and N trainable virtual-token
// embeddings go in front of every sequence (CausalLMImpl::setVirtualTokens). Saved in Hugging
// Face PEFT's layout: adapter_config.json with peft_type "PROMPT_TUNING" and
// adapter_model.safetensors with the one tensor "prompt_embeddings" [N, hidden].
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/CausalLM.h"
#include "peft/AdapterMethodConfigs.h"

namespace tunebench {

using TextToIds = std::function<std::vector<int64_t>(const std::string&)>;

// The initial virtual tokens: Random draws normal values with the standard deviation of the
// model's token embeddings from a generator seeded with `seed`; Text takes the embeddings of
// the text's tokens (encoded with `encode`), repeated or cut to the count. Throws when the text
// gives no tokens or a token outside the vocabulary.
torch::Tensor initialVirtualTokens(const CausalLMImpl& model, const PromptTuningConfig& config,
                                   uint64_t seed, const TextToIds& encode);

// Freezes every parameter and gives the model `initial` as trainable virtual tokens.
void applyPromptTuning(CausalLMImpl& model, torch::Tensor initial);

// adapter_config.json of a prompt-tuned model (the fields PEFT's PromptTuningConfig reads).
nlohmann::json promptTuningConfigJson(const CausalLMImpl& model, const PromptTuningConfig& config,
                                      const std::string& baseModelNameOrPath);
void savePromptTuningAdapter(const CausalLMImpl& model, const PromptTuningConfig& config,
                             const std::string& folder, const std::string& baseModelNameOrPath);

// Reads num_virtual_tokens, prompt_tuning_init and its text, checking token_dim against
// `hiddenSize` when given (> 0).
PromptTuningConfig readPromptTuningConfig(const nlohmann::json& json, const std::string& source,
                                          int64_t hiddenSize = 0);
// Gives the model the folder's virtual tokens (frozen: the adapter is loaded for use).
PromptTuningConfig loadPromptTuningAdapter(CausalLMImpl& model, const std::string& folder);

}  // namespace tunebench
