#pragma once
// A Hugging Face config.json as the model code needs it. Unknown fields are kept in `raw` so
// that saving writes them back unchanged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

enum class ModelFamily { Llama, Gpt2 };  // Mistral, Qwen2/3, SmolLM3, OLMo 2 are Llama-shaped

struct RopeScaling {
  enum class Type { None, Linear, Llama3 } type = Type::None;
  double factor = 1.0;
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  int64_t originalMaxPositions = 8192;
};

struct ModelConfig {
  std::string architecture;  // e.g. "LlamaForCausalLM"
  std::string modelType;     // e.g. "llama"
  ModelFamily family = ModelFamily::Llama;
  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  int64_t numKeyValueHeads = 0;
  int64_t headDim = 0;
  int64_t maxPositions = 0;
  double normEps = 1e-6;
  double ropeTheta = 10000.0;
  RopeScaling ropeScaling;
  bool tieWordEmbeddings = false;
  bool attentionBias = false;  // q/k/v (and o for Llama's attention_bias) projections
  bool outputProjectionBias = false;
  bool mlpBias = false;
  // RMSNorm of the queries and keys before RoPE (self_attn.q_norm, k_norm): over each head
  // (Qwen3) or over the whole projection (OLMo 2).
  enum class QueryKeyNorm { None, PerHead, WholeProjection } queryKeyNorm = QueryKeyNorm::None;
  // OLMo 2: the norms follow the attention and the MLP (post_attention_layernorm,
  // post_feedforward_layernorm, applied to their outputs) and there is no input norm.
  bool normsAfterSublayers = false;
  // Per layer, whether it rotates queries and keys (SmolLM3's no_rope_layers: 0 marks a layer
  // without positions). Empty: every layer does.
  std::vector<bool> ropeLayers;
  std::optional<int64_t> slidingWindow;
  std::string hiddenAct = "silu";
  std::optional<int64_t> bosTokenId;
  std::vector<int64_t> eosTokenIds;
  std::optional<int64_t> padTokenId;
  std::string torchDtype = "float32";
  // Sequence classifiers (*ForSequenceClassification): the class names in id order, from
  // id2label or num_labels. Empty for language models.
  std::vector<std::string> classLabels;
  nlohmann::json raw;

  bool isClassifier() const { return !classLabels.empty(); }
  // Turns a language model's config into that of a classifier over `labels`: architectures,
  // num_labels, id2label and label2id, as Hugging Face writes them.
  void makeClassifier(const std::vector<std::string>& labels);

  int64_t parameterCount() const;
  nlohmann::json toJson() const;  // the config.json to save
};

// Parses config.json text; `fileName` names the file in errors ("config.json: num_attention_heads
// (7) does not divide hidden_size (64)"). Unsupported architectures list the supported ones.
ModelConfig parseModelConfig(const std::string& text, const std::string& fileName);
ModelConfig loadModelConfig(const std::string& path);

// Architectures this build can run, as config.json names them.
const std::vector<std::string>& supportedArchitectures();

}  // namespace tunebench
