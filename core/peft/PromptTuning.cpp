#include "peft/PromptTuning.h"

#include <filesystem>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "peft/AdapterFolder.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

const char* kTensorName = "prompt_embeddings";

const torch::Tensor& tokenEmbeddings(const CausalLMImpl& model) {
  const bool gpt2 = model.config().family == ModelFamily::Gpt2;
  const auto* found =
      model.named_parameters().find(gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight");
  if (!found) throw Error("the model has no token embedding matrix");
  return *found;
}

}  // namespace

torch::Tensor initialVirtualTokens(const CausalLMImpl& model, const PromptTuningConfig& config,
                                   uint64_t seed, const TextToIds& encode) {
  if (config.virtualTokens < 1) throw Error("prompt tuning needs at least one virtual token");
  torch::NoGradGuard noGrad;
  const auto embeddings = tokenEmbeddings(model).detach();
  const int64_t count = config.virtualTokens, hidden = embeddings.size(1);
  if (config.init == PromptTuningInit::Random) {
    auto generator = at::detail::createCPUGenerator(seed);
    const double deviation = embeddings.to(torch::kFloat32).std().item<double>();
    auto values = torch::empty({count, hidden}, torch::kFloat32);
    values.normal_(0.0, deviation > 0 ? deviation : 0.02, generator);
    return values.to(embeddings.options());
  }
  if (!encode) throw Error("prompt tuning from a text needs the model's tokenizer");
  const auto ids = encode(config.initText);
  if (ids.empty())
    throw Error("the prompt tuning init text \"" + config.initText + "\" gives no tokens");
  std::vector<int64_t> chosen;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t id = ids[static_cast<size_t>(i) % ids.size()];
    if (id < 0 || id >= embeddings.size(0))
      throw Error("the prompt tuning init text has token id " + std::to_string(id) +
                  ", outside the model's vocabulary of " + std::to_string(embeddings.size(0)));
    chosen.push_back(id);
  }
  const auto index = torch::tensor(chosen, torch::kInt64).to(embeddings.device());
  return embeddings.index_select(0, index).clone();
}

void applyPromptTuning(CausalLMImpl& model, torch::Tensor initial) {
  for (auto& parameter : model.parameters()) parameter.set_requires_grad(false);
  const auto& reference = tokenEmbeddings(model);
  model.setVirtualTokens(initial.detach().to(reference.options()).clone().set_requires_grad(true));
}

nlohmann::json promptTuningConfigJson(const CausalLMImpl& model, const PromptTuningConfig& config,
                                      const std::string& baseModelNameOrPath) {
  const auto& c = model.config();
  const bool text = config.init == PromptTuningInit::Text;
  return {{"peft_type", "PROMPT_TUNING"},
          {"task_type", "CAUSAL_LM"},
          {"base_model_name_or_path", baseModelNameOrPath},
          {"num_virtual_tokens", model.virtualTokenCount()},
          {"token_dim", c.hiddenSize},
          {"num_transformer_submodules", 1},
          {"num_attention_heads", c.numHeads},
          {"num_layers", c.numLayers},
          {"prompt_tuning_init", text ? "TEXT" : "RANDOM"},
          {"prompt_tuning_init_text", text ? nlohmann::json(config.initText) : nlohmann::json()},
          {"tokenizer_name_or_path", text ? nlohmann::json(baseModelNameOrPath) : nlohmann::json()},
          {"tokenizer_kwargs", nullptr},
          {"inference_mode", true},
          {"revision", nullptr}};
}

void savePromptTuningAdapter(const CausalLMImpl& model, const PromptTuningConfig& config,
                             const std::string& folder, const std::string& baseModelNameOrPath) {
  if (model.virtualTokenCount() == 0) throw Error("the model has no virtual tokens to save");
  auto json = promptTuningConfigJson(model, config, baseModelNameOrPath);
  std::vector<std::pair<std::string, torch::Tensor>> tensors{
      {kTensorName, model.virtualTokens().detach()}};
  addClassifierHead(model, json, tensors);
  writeAdapterFolder(folder, json, tensors, model.config().classLabels);
}

PromptTuningConfig readPromptTuningConfig(const nlohmann::json& json, const std::string& source,
                                          int64_t hiddenSize) {
  PromptTuningConfig config;
  const auto& count =
      json.contains("num_virtual_tokens") ? json["num_virtual_tokens"] : nlohmann::json();
  if (!count.is_number_integer() || count.get<int64_t>() < 1)
    throw Error(source + ": num_virtual_tokens must be a positive whole number");
  config.virtualTokens = count.get<int64_t>();
  if (json.contains("num_transformer_submodules") && json["num_transformer_submodules"] != 1)
    throw Error(source + ": num_transformer_submodules must be 1 (a decoder-only model)");
  if (hiddenSize > 0 && json.contains("token_dim") && json["token_dim"] != hiddenSize)
    throw Error(source + ": token_dim is " + json["token_dim"].dump() +
                ", the model's hidden size is " + std::to_string(hiddenSize));
  const auto init = json.value("prompt_tuning_init", nlohmann::json("RANDOM"));
  if (init == "TEXT") {
    config.init = PromptTuningInit::Text;
    if (json.contains("prompt_tuning_init_text") && json["prompt_tuning_init_text"].is_string())
      config.initText = json["prompt_tuning_init_text"].get<std::string>();
  } else if (init != "RANDOM" && init != "SAMPLE_VOCAB") {
    throw Error(source + ": prompt_tuning_init must be \"RANDOM\" or \"TEXT\" (got " + init.dump() +
                ")");
  }
  return config;
}

PromptTuningConfig loadPromptTuningAdapter(CausalLMImpl& model, const std::string& folder) {
  const auto json = readAdapterConfigJson(folder);
  const auto source = (fs::path(folder) / "adapter_config.json").string();
  if (adapterKindOf(json, source) != AdapterKind::PromptTuning)
    throw Error(source + ": peft_type must be \"PROMPT_TUNING\"");
  const auto config = readPromptTuningConfig(json, source, model.config().hiddenSize);
  applyPromptTuning(model, torch::zeros({config.virtualTokens, model.config().hiddenSize}));
  std::vector<std::pair<std::string, torch::Tensor>> targets{
      {kTensorName, model.virtualTokens().detach()}};
  expectClassifierHead(model, json, source, targets);
  torch::NoGradGuard noGrad;
  copyAdapterTensors(folder, targets);
  model.virtualTokens().set_requires_grad(false);
  return config;
}

}  // namespace tunebench
