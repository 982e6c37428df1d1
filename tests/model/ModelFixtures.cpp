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
    // Gemma's details made to matter on a tiny model: a window reached within the test
    // sequences, a score scale that is not 1/√head_dim, caps that bite, a local base of its own.
    if (architecture == "gemma2" || architecture == "gemma3") {
      config["sliding_window"] = 4;
      config["query_pre_attn_scalar"] = 24;
    }
    if (architecture == "gemma2") {
      config["attn_logit_softcapping"] = 2.0;
      config["final_logit_softcapping"] = 3.0;
    }
    if (architecture == "phi3") {
      // Half of each 8-wide head rotates; LongRope's short factors within 64 positions (a test
      // may lower original_max_position_embeddings to reach the long ones).
      config["partial_rotary_factor"] = 0.5;
      config["original_max_position_embeddings"] = 64;
      config["rope_scaling"] = {
          {"type", "longrope"}, {"short_factor", {1.0, 1.5}}, {"long_factor", {2.0, 5.0}}};
    }
    if (architecture == "gemma3") {
      config["sliding_window_pattern"] = 2;  // layer 0 local, layer 1 global
      config["rope_local_base_freq"] = 100.0;
      config["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 2.0}};
    }
  }
  return config;
}

tunebench::CausalLM tinyRandomModel(const std::string& architecture, uint64_t seed) {
  const auto config =
      tunebench::parseModelConfig(tinyConfigJson(architecture).dump(), "config.json");
  auto model = tunebench::buildCausalLM(config);
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& parameter : model->parameters())
    parameter.copy_(torch::randn(parameter.sizes(), generator) * 0.2 +
                    (parameter.dim() == 1 ? 1.0 : 0.0));
  model->eval();
  return model;
}
