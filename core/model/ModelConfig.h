#pragma once
// A Hugging Face config.json as the model code needs it. Unknown fields are kept in `raw` so
// that saving writes them back unchanged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

// Mistral, Qwen2/3, SmolLM3, OLMo 2, Gemma 1/2/3 and Phi-3 are Llama-shaped.
enum class ModelFamily { Llama, Gpt2 };

struct RopeScaling {
  enum class Type { None, Linear, Llama3, LongRope } type = Type::None;
  double factor = 1.0;
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  int64_t originalMaxPositions = 8192;
  // LongRope (Phi-3 "longrope", legacy "su"): per-frequency divisors for sequences up to the
  // original context and beyond it, and the factor cos and sin are multiplied by.
  std::vector<double> shortFactor, longFactor;
  double attentionFactor = 1.0;
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
  // Phi-3: one qkv_proj for queries, keys and values and one gate_up_proj (gate first).
  bool fusedProjections = false;
  // The share of each head's dimensions that rotates (Phi-3's partial_rotary_factor); the rest
  // passes through.
  double partialRotaryFactor = 1.0;
  int64_t rotaryDim() const {
    return static_cast<int64_t>(static_cast<double>(headDim) * partialRotaryFactor) / 2 * 2;
  }
  // RMSNorm of the queries and keys before RoPE (self_attn.q_norm, k_norm): over each head
  // (Qwen3) or over the whole projection (OLMo 2).
  enum class QueryKeyNorm { None, PerHead, WholeProjection } queryKeyNorm = QueryKeyNorm::None;
  // Where a decoder layer's norms sit: before each sublayer (input_layernorm,
  // post_attention_layernorm: Llama), after each on its output (post_attention_layernorm,
  // post_feedforward_layernorm: OLMo 2), or on both sides of both (input_layernorm,
  // post_attention_layernorm, pre_feedforward_layernorm, post_feedforward_layernorm: Gemma 2, 3).
  enum class NormPlacement { Before, After, Around } normPlacement = NormPlacement::Before;
  // Per layer, whether it rotates queries and keys (SmolLM3's no_rope_layers: 0 marks a layer
  // without positions). Empty: every layer does.
  std::vector<bool> ropeLayers;
  std::optional<int64_t> slidingWindow;
  // Per layer, whether the sliding window applies (Gemma 2 and 3 alternate local and global
  // layers). Empty: the window, when there is one, applies to every layer (Mistral).
  std::vector<bool> slidingLayers;
  std::string hiddenAct = "silu";  // Llama-shaped: silu (SwiGLU) or gelu_pytorch_tanh/gelu (GeGLU)
  // Gemma: RMSNorm scales by (1 + weight) and the token embeddings are multiplied by
  // √hidden_size (in the embedding's dtype).
  bool gemmaNorms = false;
  // Attention scores scale: 0 is 1/√head_dim; Gemma 2 and 3 use query_pre_attn_scalar^-½.
  double attentionScale = 0;
  // Gemma 2: scores and final logits pass through cap·tanh(x / cap).
  std::optional<double> attentionSoftcap;
  std::optional<double> finalLogitSoftcap;
  // Gemma 3: the local (sliding-window) layers rotate with their own base and no scaling.
  std::optional<double> localRopeTheta;
  std::optional<int64_t> bosTokenId;
  std::vector<int64_t> eosTokenIds;
  std::optional<int64_t> padTokenId;
  std::string torchDtype = "float32";
  // Non-empty when the model is the language model inside a multimodal folder
  // (Gemma3ForConditionalGeneration): its weights sit under the folder's prefixes, the vision
  // tower is not loaded, and `raw` is the text model's own config (what a saved folder holds).
  std::string languageModelOf;
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
