#include "ModelFixtures.h"

#include "common/TorchPch.h"
#include "model/ModelFactory.h"

nlohmann::json tinyConfigJson(const std::string& architecture) {
  auto config = tunebench::presetConfig(architecture, "tiny", 97);
  if (architecture == "gpt2") {
    config["n_embd"] = 32;
    config["n_head"] = 4;
    config["n_inner"] = 64;
    config["n_positions"] = 64;
  } else {
    config["hidden_size"] = 32;
    config["intermediate_size"] = 48;
    config["num_attention_heads"] = 4;
    config["num_key_value_heads"] = 2;
    config["max_position_embeddings"] = 64;
    if (architecture == "mistral") config["sliding_window"] = 6;
  }
  return config;
}

tunebench::CausalLM tinyRandomModel(const std::string& architecture, uint64_t seed) {
  const auto config = tunebench::parseModelConfig(tinyConfigJson(architecture).dump(), "config.json");
  auto model = tunebench::buildCausalLM(config);
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& parameter : model->parameters())
    parameter.copy_(torch::randn(parameter.sizes(), generator) * 0.2 + (parameter.dim() == 1 ? 1.0 : 0.0));
  model->eval();
  return model;
}
