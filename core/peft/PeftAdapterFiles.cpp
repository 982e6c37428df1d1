#include "peft/PeftAdapterFiles.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "peft/AdapterFolder.h"
#include "peft/LoraModel.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

const char* kConfigFile = "adapter_config.json";
const char* kWeightsFile = "adapter_model.safetensors";

std::string keyPrefix(const std::string& modulePath) {
  return "base_model.model." + modulePath;
}

// Each layer's copy of the adapter's config (all layers of one adapter share it).
const LoraConfig& adapterConfigOf(const CausalLMImpl& model, const std::string& adapter) {
  for (const auto& [path, layer] : loraLayers(model)) {
    const auto names = layer->adapterNames();
    if (std::find(names.begin(), names.end(), adapter) != names.end())
      return layer->adapterConfig(adapter);
  }
  throw Error("the model has no LoRA adapter named \"" + adapter + "\"");
}

bool hasAdapter(LoraLinearImpl& layer, const std::string& adapter) {
  const auto names = layer.adapterNames();
  return std::find(names.begin(), names.end(), adapter) != names.end();
}

}  // namespace

std::vector<std::pair<std::string, torch::Tensor>> peftAdapterTensors(const CausalLMImpl& model,
                                                                      const std::string& adapter) {
  adapterConfigOf(model, adapter);
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [path, layer] : loraLayers(model)) {
    if (!hasAdapter(*layer, adapter)) continue;
    // PEFT keeps lora_A/lora_B as nn.Linear even for GPT-2's Conv1D (fan_in_fan_out), so the
    // file holds them in Linear orientation, as they are here.
    tensors.emplace_back(keyPrefix(path) + ".lora_A.weight", layer->loraA(adapter).detach());
    tensors.emplace_back(keyPrefix(path) + ".lora_B.weight", layer->loraB(adapter).detach());
    const auto& magnitude = layer->magnitude(adapter);
    if (magnitude.defined())
      tensors.emplace_back(keyPrefix(path) + ".lora_magnitude_vector", magnitude.detach());
  }
  // A classifier's head trains in full beside the adapter: PEFT's modules_to_save, stored under
  // the module's own path.
  if (model.isClassifier())
    if (const auto* score = model.named_parameters().find("score.weight"))
      tensors.emplace_back(keyPrefix("score") + ".weight", score->detach());
  return tensors;
}

nlohmann::json peftAdapterConfigJson(const CausalLMImpl& model, const std::string& adapter,
                                     const std::string& baseModelNameOrPath) {
  const auto& config = adapterConfigOf(model, adapter);
  // The targets as given: PEFT matches them against module paths the way applyLora does (whole
  // path or dotted tail), so "mlp.c_proj" stays off GPT-2's attn.c_proj there too.
  const std::set<std::string> targets(config.targets.begin(), config.targets.end());
  const bool classifier = model.isClassifier();
  return {{"peft_type", "LORA"},
          {"task_type", classifier ? "SEQ_CLS" : "CAUSAL_LM"},
          {"base_model_name_or_path", baseModelNameOrPath},
          {"r", config.r},
          {"lora_alpha", config.alpha},
          {"lora_dropout", config.dropout},
          {"target_modules", std::vector<std::string>(targets.begin(), targets.end())},
          {"use_rslora", config.rslora},
          {"use_dora", config.dora},
          {"fan_in_fan_out", model.config().family == ModelFamily::Gpt2},
          {"bias", "none"},
          {"init_lora_weights", true},
          {"inference_mode", true},
          {"modules_to_save", classifier ? nlohmann::json::array({"score"}) : nlohmann::json()},
          {"layers_to_transform", nullptr},
          {"layers_pattern", nullptr},
          {"rank_pattern", nlohmann::json::object()},
          {"alpha_pattern", nlohmann::json::object()},
          {"revision", nullptr}};
}

void savePeftAdapter(const CausalLMImpl& model, const std::string& folder,
                     const std::string& adapter, const std::string& baseModelNameOrPath) {
  writeAdapterFolder(folder, peftAdapterConfigJson(model, adapter, baseModelNameOrPath),
                     peftAdapterTensors(model, adapter), model.config().classLabels);
}

constexpr int64_t kLargestAdapterRank = 65536;

LoraConfig readPeftAdapterConfig(const std::string& folder, const std::string& adapterName) {
  const auto path = (fs::path(folder) / kConfigFile).string();
  nlohmann::json json = readJsonFile(path);
  auto need = [&](const char* key, auto check, const char* what) -> const nlohmann::json& {
    if (!json.contains(key) || !check(json[key]))
      throw Error(path + ": " + key + " must be " + what);
    return json[key];
  };
  if (json.value("peft_type", std::string()) != "LORA")
    throw Error(path + ": peft_type must be \"LORA\" (only LoRA/DoRA adapters can be loaded)");
  LoraConfig config;
  config.adapterName = adapterName;
  config.r = need(
                 "r",
                 [](const auto& v) {
                   // No layer of a supported model is wider: a larger rank is a damaged file.
                   return v.is_number_integer() && v.template get<int64_t>() > 0 &&
                          v.template get<int64_t>() <= kLargestAdapterRank;
                 },
                 "a whole number from 1 to 65536")
                 .get<int64_t>();
  config.alpha = need(
                     "lora_alpha", [](const auto& v) { return v.is_number(); }, "a number")
                     .get<double>();
  if (json.contains("lora_dropout") && json["lora_dropout"].is_number())
    config.dropout = json["lora_dropout"].get<double>();
  config.rslora = json.value("use_rslora", false);
  config.dora = json.value("use_dora", false);
  const auto& targets = need(
      "target_modules", [](const auto& v) { return v.is_array() && !v.empty(); },
      "a non-empty list of module names");
  config.targets.clear();
  for (const auto& target : targets) {
    if (!target.is_string()) throw Error(path + ": target_modules must hold strings");
    config.targets.push_back(target.get<std::string>());
  }
  for (const char* key : {"rank_pattern", "alpha_pattern"})
    if (json.contains(key) && json[key].is_object() && !json[key].empty())
      throw Error(path + ": " + key + " (per-module ranks/alphas) is not supported");
  return config;
}

LoraConfig loadPeftAdapter(CausalLMImpl& model, const std::string& folder,
                           const std::string& adapterName) {
  const auto config = readPeftAdapterConfig(folder, adapterName);
  // A missing weights file is reported before the model changes.
  const auto path = (fs::path(folder) / kWeightsFile).string();
  if (!fs::exists(path)) throw Error(path + " is missing");
  applyLora(model, config);
  copyAdapterTensors(folder, peftAdapterTensors(model, adapterName));
  return config;
}

}  // namespace tunebench
