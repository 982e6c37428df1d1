#pragma once
// The linear layers of a model as places that an adapter layer can take over: the parent
// module, the child name and the layer, with its Hugging Face module path.
#include <memory>
#include <string>
#include <vector>

#include "model/CausalLM.h"
#include "model/Layers.h"

namespace tunebench {

struct LinearSlot {
  std::string path;
  std::shared_ptr<torch::nn::Module> parent;
  std::string name;
  std::shared_ptr<LinearImpl> layer;
};

// Every linear layer of the model in module order (adapter layers' own A/B layers excluded).
std::vector<LinearSlot> linearSlots(const CausalLMImpl& model);

// Whether swapLayer can replace the slot's layer (attention and MLP projections and an untied
// lm_head can).
bool isReplaceable(const LinearSlot& slot);

// Puts `replacement` in the slot, both as the registered child and as the member the parent's
// forward calls. Throws for any other layer.
void swapLayer(const LinearSlot& slot, const std::shared_ptr<LinearImpl>& replacement);

}  // namespace tunebench
