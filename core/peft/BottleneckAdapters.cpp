#include "peft/BottleneckAdapters.h"

#include <filesystem>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "peft/AdapterFolder.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

bool isAdapterParameter(const std::string& name) {
  return name.find(".attn_adapter.") != std::string::npos ||
         name.find(".mlp_adapter.") != std::string::npos;
}

std::vector<std::shared_ptr<DecoderLayerImpl>> decoderLayers(const CausalLMImpl& model) {
  std::vector<std::shared_ptr<DecoderLayerImpl>> layers;
  for (const auto& module : model.modules(false))
    if (auto layer = std::dynamic_pointer_cast<DecoderLayerImpl>(module)) layers.push_back(layer);
  return layers;
}

}  // namespace

BottleneckAdapterImpl::BottleneckAdapterImpl(int64_t hidden, const BottleneckConfig& config)
    : activation(config.activation) {
  down = register_module("down", torch::nn::Linear(hidden, config.size));
  up = register_module("up", torch::nn::Linear(config.size, hidden));
  torch::NoGradGuard noGrad;
  up->weight.zero_();
  up->bias.zero_();
}

torch::Tensor BottleneckAdapterImpl::forward(const torch::Tensor& x) {
  const auto inner = down(x);
  return x + up(activation == BottleneckActivation::Relu ? torch::relu(inner) : torch::gelu(inner));
}

int64_t applyBottleneckAdapters(CausalLMImpl& model, const BottleneckConfig& config) {
  if (config.size < 1) throw Error("the bottleneck size must be at least 1");
  for (auto& parameter : model.parameters()) parameter.set_requires_grad(false);
  const int64_t hidden = model.config().hiddenSize;
  const auto options = model.parameters().front().options().requires_grad(false);
  const auto layers = decoderLayers(model);
  for (const auto& layer : layers) {
    auto attention = std::make_shared<BottleneckAdapterImpl>(hidden, config);
    auto mlp = std::make_shared<BottleneckAdapterImpl>(hidden, config);
    attention->to(options.dtype().toScalarType());
    mlp->to(options.dtype().toScalarType());
    attention->to(options.device());
    mlp->to(options.device());
    layer->setBranchAdapters(attention, mlp);
  }
  for (auto& item : model.named_parameters())
    if (isAdapterParameter(item.key())) item.value().set_requires_grad(true);
  return static_cast<int64_t>(layers.size());
}

std::vector<std::pair<std::string, torch::Tensor>> bottleneckAdapterTensors(
    const CausalLMImpl& model) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& item : model.named_parameters())
    if (isAdapterParameter(item.key()))
      tensors.emplace_back("base_model.model." + item.key(), item.value().detach());
  return tensors;
}

nlohmann::json bottleneckConfigJson(const CausalLMImpl& model, const BottleneckConfig& config,
                                    const std::string& baseModelNameOrPath) {
  return {{"peft_type", "BOTTLENECK"},
          {"task_type", "CAUSAL_LM"},
          {"format", "tunebench-bottleneck-1"},
          {"base_model_name_or_path", baseModelNameOrPath},
          {"bottleneck_size", config.size},
          {"activation", activationName(config.activation)},
          {"hidden_size", model.config().hiddenSize},
          {"num_layers", model.config().numLayers},
          {"placement", {"attention_output", "mlp_output"}},
          {"init_up_zero", true}};
}

void saveBottleneckAdapters(const CausalLMImpl& model, const BottleneckConfig& config,
                            const std::string& folder, const std::string& baseModelNameOrPath) {
  auto tensors = bottleneckAdapterTensors(model);
  if (tensors.empty()) throw Error("the model has no bottleneck adapters to save");
  auto json = bottleneckConfigJson(model, config, baseModelNameOrPath);
  addClassifierHead(model, json, tensors);
  writeAdapterFolder(folder, json, tensors, model.config().classLabels);
}

BottleneckConfig readBottleneckConfig(const nlohmann::json& json, const std::string& source,
                                      int64_t hiddenSize) {
  BottleneckConfig config;
  if (!json.contains("bottleneck_size") || !json["bottleneck_size"].is_number_integer() ||
      json["bottleneck_size"].get<int64_t>() < 1)
    throw Error(source + ": bottleneck_size must be a positive whole number");
  config.size = json["bottleneck_size"].get<int64_t>();
  const auto activation = json.value("activation", nlohmann::json("gelu"));
  if (activation == "relu")
    config.activation = BottleneckActivation::Relu;
  else if (activation != "gelu")
    throw Error(source + ": activation must be \"gelu\" or \"relu\" (got " + activation.dump() +
                ")");
  if (hiddenSize > 0 && json.contains("hidden_size") && json["hidden_size"] != hiddenSize)
    throw Error(source + ": hidden_size is " + json["hidden_size"].dump() +
                ", the model's hidden size is " + std::to_string(hiddenSize));
  return config;
}

BottleneckConfig loadBottleneckAdapters(CausalLMImpl& model, const std::string& folder) {
  const auto json = readAdapterConfigJson(folder);
  const auto source = (fs::path(folder) / "adapter_config.json").string();
  if (adapterKindOf(json, source) != AdapterKind::Bottleneck)
    throw Error(source + ": peft_type must be \"BOTTLENECK\"");
  const auto config = readBottleneckConfig(json, source, model.config().hiddenSize);
  applyBottleneckAdapters(model, config);
  auto targets = bottleneckAdapterTensors(model);
  expectClassifierHead(model, json, source, targets);
  torch::NoGradGuard noGrad;
  copyAdapterTensors(folder, targets);
  for (auto& parameter : model.parameters()) parameter.set_requires_grad(false);
  return config;
}

}  // namespace tunebench
