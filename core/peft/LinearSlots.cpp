#include "peft/LinearSlots.h"

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
    if (name == "qkv_proj") return &a->qkv_proj;
  } else if (auto* m = dynamic_cast<LlamaMlpImpl*>(&parent)) {
    if (name == "gate_proj") return &m->gate_proj;
    if (name == "up_proj") return &m->up_proj;
    if (name == "gate_up_proj") return &m->gate_up_proj;
    if (name == "down_proj") return &m->down_proj;
  } else if (auto* g = dynamic_cast<Gpt2AttentionImpl*>(&parent)) {
    if (name == "c_attn") return &g->c_attn;
    if (name == "c_proj") return &g->c_proj;
  } else if (auto* f = dynamic_cast<Gpt2MlpImpl*>(&parent)) {
    if (name == "c_fc") return &f->c_fc;
    if (name == "c_proj") return &f->c_proj;
  } else if (auto* model = dynamic_cast<CausalLMImpl*>(&parent)) {
    if (name == "lm_head") return model->languageModelHead();
  }
  return nullptr;
}

}  // namespace

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

bool isReplaceable(const LinearSlot& slot) {
  return linearMember(*slot.parent, slot.name) != nullptr;
}

void swapLayer(const LinearSlot& slot, const std::shared_ptr<LinearImpl>& replacement) {
  Linear* member = linearMember(*slot.parent, slot.name);
  if (!member)
    throw Error("LoRA cannot adapt " + slot.path +
                ": its module type is not supported "
                "(supported: attention and MLP projections, and an untied lm_head)");
  slot.parent->replace_module(slot.name, replacement);
  *member = Linear(replacement);
}

}  // namespace tunebench
