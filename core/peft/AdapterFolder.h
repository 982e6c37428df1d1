#pragma once
// Adapter folders of every kind the project trains: adapter_config.json says which by its
// peft_type ("LORA", "PROMPT_TUNING" or "BOTTLENECK"); adapter_model.safetensors holds the
// tensors. LoRA/DoRA and prompt tuning folders are Hugging Face PEFT's layout; bottleneck
// folders are the project's own (docs/adapters.md).
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>
#include <nlohmann/json.hpp>

#include "model/CausalLM.h"

namespace tunebench {

enum class AdapterKind { Lora, PromptTuning, Bottleneck };

// Reads the folder's adapter_config.json; throws naming the file when it is missing, not JSON
// or of an unknown peft_type.
nlohmann::json readAdapterConfigJson(const std::string& folder);
AdapterKind adapterKindOf(const nlohmann::json& config, const std::string& source);
AdapterKind adapterKindOf(const std::string& folder);
const char* adapterKindLabel(AdapterKind kind);  // "LoRA", "prompt tuning", "bottleneck adapters"

// Why an adapter of this kind cannot be merged into the base weights; empty when it can.
std::string mergeRefusal(AdapterKind kind);

// Adds the adapter stored in `folder` to the model, whatever its kind, and returns the kind.
AdapterKind loadAdapterFolder(CausalLMImpl& model, const std::string& folder);

// Writes adapter_model.safetensors, class_labels.json when classLabels is not empty, and
// adapter_config.json last (its presence marks a complete folder) into `folder` (created if
// needed), each through a temporary file.
void writeAdapterFolder(const std::string& folder, const nlohmann::json& config,
                        const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                        const std::vector<std::string>& classLabels = {});

// A sequence classifier's head trains in full beside the adapter, so its adapter folder keeps
// the head: task_type "SEQ_CLS" and modules_to_save ["score"] in adapter_config.json (as PEFT
// writes them), the head's weight among the tensors, and the class names in class_labels.json
// (the head's rows in order; PEFT does not read that file).
bool isClassifierAdapterConfig(const nlohmann::json& config);
// For a classifier model: marks `config` as above and adds the head's weight to `tensors` under
// `tensorName`. Otherwise changes nothing.
void addClassifierHead(const CausalLMImpl& model, nlohmann::json& config,
                       std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::string& tensorName = "score.weight");
// For a classifier adapter's config, adds the model's head to the copy targets of
// copyAdapterTensors; throws, naming `source`, when the model has no head to take it.
void expectClassifierHead(CausalLMImpl& model, const nlohmann::json& config,
                          const std::string& source,
                          std::vector<std::pair<std::string, torch::Tensor>>& targets,
                          const std::string& tensorName = "score.weight");
// The class names of the folder's class_labels.json; none when the folder has no such file.
// Throws, naming the file, when it is not a list of at least two distinct names.
std::vector<std::string> readClassLabels(const std::string& folder);

// Copies the tensors of the folder's adapter_model.safetensors into `targets` (views of the
// model's parameters, by file name). Missing, unexpected and mis-shaped tensors are reported in
// one tunebench::Error naming the file.
void copyAdapterTensors(const std::string& folder,
                        const std::vector<std::pair<std::string, torch::Tensor>>& targets);

}  // namespace tunebench
