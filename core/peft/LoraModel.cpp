#include "peft/LoraModel.h"

#include <map>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/DecoderBlocks.h"

namespace tunebench {

namespace {

// The member that forwards through a child linear layer: replacing only the registered child
// would leave the parent's forward calling the old one.
Linear* linearMember(torch::nn::Module& parent, const std::string& name) {
  if (auto* a = dynamic_cast<LlamaAttentionImpl*>(&parent)) {
    if (name == "q_proj") return &a->q_proj;
    if (name == "k_proj") return &a->k_proj;
    if (name == "v_proj") return &a->v_proj;
    if (name == "o_proj") return &a->o_proj;
  } else if (auto* m = dynamic_cast<LlamaMlpImpl*>(&parent)) {
    if (name == "gate_proj") return &m->gate_proj;
    if (name == "up_proj") return &m->up_proj;
    if (name == "down_proj") return &m->down_proj;
  } else if (auto* g = dynamic_cast<Gpt2AttentionImpl*>(&parent)) {
    if (name == "c_attn") return &g->c_attn;
    if (name == "c_proj") return &g->c_proj;
  } else if (auto* f = dynamic_cast<Gpt2MlpImpl*>(&parent)) {
    if (name == "c_fc") return &f->c_fc;
    if (name == "c_proj") return &f->c_proj;
  }
  return nullptr;
}

struct LinearSlot {
  std::string path;
  std::shared_ptr<torch::nn::Module> parent;
  std::string name;
  std::shared_ptr<LinearImpl> layer;
};

std::vector<LinearSlot> linearSlots(const CausalLMImpl& model) {
  std::vector<LinearSlot> slots;
  for (const auto& item : model.named_modules()) {
    // A LoRA layer's own A/B layers sit in ModuleDicts; they are not model layers.
    if (dynamic_cast<torch::nn::ModuleDictImpl*>(item.value().get())) continue;
    for (const auto& child : item.value()->named_children()) {
      auto layer = std::dynamic_pointer_cast<LinearImpl>(child.value());
      if (!layer) continue;
      const std::string path = item.key().empty() ? child.key() : item.key() + "." + child.key();
      slots.push_back({path, item.value(), child.key(), layer});
    }
  }
  return slots;
}

void swapLayer(const LinearSlot& slot, const std::shared_ptr<LinearImpl>& replacement) {
  Linear* member = linearMember(*slot.parent, slot.name);
  if (!member)
    throw Error("LoRA cannot adapt " + slot.path +
                ": its module type is not supported "
                "(supported: attention and MLP projections)");
  slot.parent->replace_module(slot.name, replacement);
  *member = Linear(replacement);
}

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
    if (matchesLoraTarget("lm_head", target))
      throw Error("LoRA target \"" + target +
                  "\": lm_head cannot carry an adapter yet; "
                  "choose attention or MLP projections");
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
  for (const auto& target : config.targets)
    if (!used[target])
      throw Error("LoRA target \"" + target + "\" matches no linear layer of this model");
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
    swapLayer(slot, std::make_shared<LinearImpl>(lora->weight, lora->bias));
  }
}

}  // namespace tunebench
