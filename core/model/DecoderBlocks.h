#pragma once
// The two decoder shapes: Llama-style (RMSNorm, RoPE, grouped-query attention, SwiGLU; also
// Mistral, Qwen2, Qwen3 with its query/key norms, SmolLM3 with its layers without positions,
// OLMo 2 with its norms after the sublayers, Gemma 1/2/3 with GeGLU, (1 + w) norms around the
// sublayers, capped scores and local layers, Phi-3 with fused projections and partial rotary)
// and GPT-2 (LayerNorm, learned positions, fused QKV,
// GELU).
#include "model/CausalLM.h"
#include "model/Layers.h"

namespace tunebench {

struct LayerContext {
  const AttentionPlan& plan;
  const torch::Tensor& cos;  // rotary tables, undefined for GPT-2
  const torch::Tensor& sin;
  KVCache* cache;
  int64_t layer;
  int64_t past;
  // The sliding-window layers' plan and rotary tables (Gemma 2 and 3); the global ones otherwise.
  const AttentionPlan& localPlan;
  const torch::Tensor& localCos;
  const torch::Tensor& localSin;
};

// Stores new keys/values into the cache (when present) and returns the keys/values to attend.
std::pair<torch::Tensor, torch::Tensor> appendToCache(const torch::Tensor& k,
                                                      const torch::Tensor& v,
                                                      const LayerContext& context);

// A module on a residual branch: it maps the attention or MLP output before the residual add
// (bottleneck adapters, core/peft/BottleneckAdapters.h).
class BranchAdapterImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
};

// What both layer shapes share: the optional adapters on their two residual branches, registered
// as attn_adapter and mlp_adapter.
class DecoderLayerImpl : public torch::nn::Module {
 public:
  // Throws when the layer has adapters already.
  void setBranchAdapters(std::shared_ptr<BranchAdapterImpl> attention,
                         std::shared_ptr<BranchAdapterImpl> mlp);
  std::shared_ptr<BranchAdapterImpl> attn_adapter, mlp_adapter;

 protected:
  torch::Tensor adaptAttention(const torch::Tensor& x) const {
    return attn_adapter ? attn_adapter->forward(x) : x;
  }
  torch::Tensor adaptMlp(const torch::Tensor& x) const {
    return mlp_adapter ? mlp_adapter->forward(x) : x;
  }
};

class LlamaAttentionImpl : public torch::nn::Module {
 public:
  explicit LlamaAttentionImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const LayerContext& context);
  Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  Linear qkv_proj{nullptr};  // Phi-3: queries, keys and values in one (then no q/k/v_proj)
  RMSNorm q_norm{nullptr}, k_norm{nullptr};  // before RoPE: Qwen3, Gemma 3 per head, OLMo 2 whole
  int64_t heads, kvHeads, headDim;
  ModelConfig::QueryKeyNorm queryKeyNorm;
  std::vector<bool> ropeLayers;     // ModelConfig::ropeLayers
  std::vector<bool> slidingLayers;  // ModelConfig::slidingLayers
  double queryScale = 1.0;          // folds ModelConfig::attentionScale into the queries
  std::optional<double> softcap;
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
 public:
  explicit LlamaMlpImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x);
  Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
  Linear gate_up_proj{nullptr};  // Phi-3: gate then up in one (then no gate/up_proj)
  int64_t inner = 0;
  std::string activation;  // silu (SwiGLU), gelu_pytorch_tanh or gelu (GeGLU)
};
TORCH_MODULE(LlamaMlp);

class LlamaLayerImpl : public DecoderLayerImpl {
 public:
  explicit LlamaLayerImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const LayerContext& context);
  // As ModelConfig::normPlacement says: a placement registers only the norms it has.
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  RMSNorm pre_feedforward_layernorm{nullptr}, post_feedforward_layernorm{nullptr};
  ModelConfig::NormPlacement placement;
  LlamaAttention self_attn{nullptr};
  LlamaMlp mlp{nullptr};
};
TORCH_MODULE(LlamaLayer);

class Gpt2AttentionImpl : public torch::nn::Module {
 public:
  explicit Gpt2AttentionImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const LayerContext& context);
  Linear c_attn{nullptr}, c_proj{nullptr};
  int64_t heads, headDim;
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
 public:
  explicit Gpt2MlpImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x);
  Linear c_fc{nullptr}, c_proj{nullptr};
  bool exactGelu;
};
TORCH_MODULE(Gpt2Mlp);

class Gpt2LayerImpl : public DecoderLayerImpl {
 public:
  explicit Gpt2LayerImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const LayerContext& context);
  LayerNorm ln_1{nullptr}, ln_2{nullptr};
  Gpt2Attention attn{nullptr};
  Gpt2Mlp mlp{nullptr};
};
TORCH_MODULE(Gpt2Layer);

}  // namespace tunebench
