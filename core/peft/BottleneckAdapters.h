#pragma once
// Bottleneck adapters (Houlsby et al. 2019): in every decoder layer, on the attention output and
// on the MLP output before each residual add, x + up(act(down(x))) with down: hidden → size and
// up: size → hidden. up starts at zero, so the adapted model equals the base until it trains.
// Saved in the project's own layout (docs/adapters.md): adapter_config.json with peft_type
// "BOTTLENECK" and adapter_model.safetensors with base_model.model.<layer>.attn_adapter.down.weight
// and so on.
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/modules/linear.h>
#include <nlohmann/json.hpp>

#include "model/DecoderBlocks.h"
#include "peft/AdapterMethodConfigs.h"

namespace tunebench {

class BottleneckAdapterImpl : public BranchAdapterImpl {
 public:
  BottleneckAdapterImpl(int64_t hidden, const BottleneckConfig& config);
  torch::Tensor forward(const torch::Tensor& x) override;
  torch::nn::Linear down{nullptr}, up{nullptr};
  BottleneckActivation activation;
};

// Freezes every parameter and puts trainable adapters on both branches of every decoder layer
// (down as nn.Linear initialises it, from the global generator; up zero). Returns the number of
// adapted layers.
int64_t applyBottleneckAdapters(CausalLMImpl& model, const BottleneckConfig& config);

// The file's tensor names and the adapters' parameters, in module order.
std::vector<std::pair<std::string, torch::Tensor>> bottleneckAdapterTensors(
    const CausalLMImpl& model);

nlohmann::json bottleneckConfigJson(const CausalLMImpl& model, const BottleneckConfig& config,
                                    const std::string& baseModelNameOrPath);
void saveBottleneckAdapters(const CausalLMImpl& model, const BottleneckConfig& config,
                            const std::string& folder, const std::string& baseModelNameOrPath);
// Reads bottleneck_size and activation, checking hidden_size against `hiddenSize` when given.
BottleneckConfig readBottleneckConfig(const nlohmann::json& json, const std::string& source,
                                      int64_t hiddenSize = 0);
// Adds the folder's adapters to the model (frozen: the adapter is loaded for use).
BottleneckConfig loadBottleneckAdapters(CausalLMImpl& model, const std::string& folder);

}  // namespace tunebench
