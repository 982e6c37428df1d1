#include "peft/LoraModel.h"

#include <map>
#include <set>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "peft/LinearSlots.h"

namespace tunebench {

namespace {

bool isAdapterParameter(const std::string& name) {
  return name.find(".lora_A.") != std::string::npos || name.find(".lora_B.") != std::string::npos ||
         name.find(".lora_magnitude_vector.") != std::string::npos;
}

}  // namespace

bool matchesLoraTarget(const std::string& modulePath, const std::string& target) {
  if (target.empty()) return false;
  if (modulePath == target) return true;
  return modulePath.size() > target.size() &&
         modulePath.compare(modulePath.size() - target.size(), target.size(), target) == 0 &&
         modulePath[modulePath.size() - target.size() - 1] == '.';
}

std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> loraLayers(
    const CausalLMImpl& model) {
  std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> layers;
  for (const auto& item : model.named_modules("", false))
    if (auto lora = std::dynamic_pointer_cast<LoraLinearImpl>(item.value()))
      layers.emplace_back(item.key(), lora);
  return layers;
}

std::vector<std::string> applyLora(CausalLMImpl& model, const LoraConfig& config) {
  if (config.targets.empty()) throw Error("LoRA needs at least one target module");
  if (config.dropout < 0 || config.dropout >= 1)
    throw Error("LoRA dropout must be in [0, 1) (got " + std::to_string(config.dropout) + ")");
  for (const auto& target : config.targets)
    if (matchesLoraTarget("lm_head", target) && !model.languageModelHead())
      throw Error("LoRA target \"" + target + "\": " +
                  (model.isClassifier() ? std::string("a classifier has no lm_head")
                                        : "this model's lm_head is its embedding matrix "
                                          "(tie_word_embeddings), which LoRA does not adapt") +
                  "; choose attention or MLP projections");
  std::map<std::string, bool> used;
  std::vector<std::string> adapted;
  for (const auto& slot : linearSlots(model)) {
    bool wanted = false;
    for (const auto& target : config.targets)
      if (matchesLoraTarget(slot.path, target)) wanted = used[target] = true;
    if (!wanted) continue;
    auto lora = std::dynamic_pointer_cast<LoraLinearImpl>(slot.layer);
    if (!lora) {
      lora = std::make_shared<LoraLinearImpl>(*slot.layer);
      swapLayer(slot, lora);
    }
    lora->addAdapter(config);
    adapted.push_back(slot.path);
  }
  for (const auto& target : config.targets) {
    if (used[target]) continue;
    // Families name their layers differently (Phi-3 fuses qkv_proj and gate_up_proj).
    std::set<std::string> names;
    for (const auto& slot : linearSlots(model))
      names.insert(slot.path.substr(slot.path.rfind('.') + 1));
    std::string listed;
    for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
    throw Error("LoRA target \"" + target +
                "\" matches no linear layer of this model (its layers: " + listed + ")");
  }
  for (auto& item : model.named_parameters())
    item.value().set_requires_grad(isAdapterParameter(item.key()) &&
                                   item.key().find("." + config.adapterName + ".") !=
                                       std::string::npos);
  return adapted;
}

void setActiveLoraAdapter(CausalLMImpl& model, const std::string& name) {
  for (auto& [path, layer] : loraLayers(model)) layer->setActiveAdapter(name);
}

void mergeLora(CausalLMImpl& model) {
  for (auto& [path, layer] : loraLayers(model)) layer->merge();
}

void unmergeLora(CausalLMImpl& model) {
  for (auto& [path, layer] : loraLayers(model)) layer->unmerge();
}

void mergeAndUnloadLora(CausalLMImpl& model) {
  for (const auto& slot : linearSlots(model)) {
    auto lora = std::dynamic_pointer_cast<LoraLinearImpl>(slot.layer);
    if (!lora) continue;
    lora->merge();
    // An adapter with absurd settings (lora_alpha 1e308) merges into inf/NaN: never written.
    if (!torch::isfinite(lora->weight).all().item<bool>())
      throw Error("merging the adapter into " + slot.path +
                  " gives values that are not finite (check the adapter's lora_alpha and r)");
    swapLayer(slot, std::make_shared<LinearImpl>(lora->weight, lora->bias));
  }
}

}  // namespace tunebench
