#pragma once
// Building blocks of decoder language models, in LibTorch's TORCH_MODULE style. Parameters are
// created uninitialised: weights come from a checkpoint or from initializeWeights().
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>
#include <optional>

#include "model/ModelConfig.h"

namespace tunebench {

// x Wᵀ + b (b may be undefined). A single row goes through a matrix-vector product: BLAS's
// matrix product would copy (pack) the whole weight first, which doubles the memory traffic
// that bounds decoding one token at a time.
torch::Tensor linearProduct(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias = {});

class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t inFeatures, int64_t outFeatures, bool bias);
  // Virtual so that adapter layers (core/peft) can take a linear layer's place in a model.
  virtual torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;  // [out, in]
  torch::Tensor bias;    // undefined when absent
  // Registers existing tensors under the usual names (an adapter layer shares its base's
  // weights; undoing it gives them back to a plain layer).
  LinearImpl(torch::Tensor existingWeight, torch::Tensor existingBias);
};
TORCH_MODULE(Linear);

class EmbeddingImpl : public torch::nn::Module {
 public:
  EmbeddingImpl(int64_t count, int64_t dimension);
  torch::Tensor forward(const torch::Tensor& ids);
  torch::Tensor weight;
};
TORCH_MODULE(Embedding);

class RMSNormImpl : public torch::nn::Module {
 public:
  // `plusOne`: scale by (1 + weight), as Gemma's norms do (their weights start at 0).
  RMSNormImpl(int64_t dimension, double eps, bool plusOne = false);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
  bool plusOne;
};
TORCH_MODULE(RMSNorm);

class LayerNormImpl : public torch::nn::Module {
 public:
  LayerNormImpl(int64_t dimension, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  torch::Tensor bias;
  double eps;
};
TORCH_MODULE(LayerNorm);

// Rotary position embedding with HF's rotate-half layout and rope_scaling (linear, llama3).
class RotaryEmbeddingImpl : public torch::nn::Module {
 public:
  // `dim`: the rotated dimensions of a head (all of it unless partial_rotary_factor says less).
  RotaryEmbeddingImpl(int64_t dim, double theta, const RopeScaling& scaling);
  // cos and sin for positions [B, T], each [B, 1, T, dim]. LongRope switches to its long factors
  // once a position reaches the original context (as Hugging Face does for the whole pass).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& positions);
  torch::Tensor invFreq;
  torch::Tensor longInvFreq;  // LongRope only
  int64_t originalMaxPositions = 0;
  double attentionFactor = 1.0;
};
TORCH_MODULE(RotaryEmbedding);

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin);

// Which keys each query may see. `mask` (bool [B, 1, Tq, Tk], true = attend) is undefined when
// plain causal attention over the current tokens is meant (the fast path).
struct AttentionPlan {
  torch::Tensor mask;
  bool isCausal = true;
};

// Causal attention of queries at cache positions [past, past + T) over keys [0, past + T), with
// optional padding mask [B, past + T] (1 = real token), segment ids [B, T] of packed rows (no
// cache) and sliding window. Keys before `sharedPrefix` (prompt tuning's virtual tokens) are
// seen by every later query of the row, whatever its segment.
AttentionPlan planAttention(int64_t batch, int64_t length, int64_t past,
                            const torch::Tensor& paddingMask, const torch::Tensor& segmentIds,
                            std::optional<int64_t> window, const torch::Device& device,
                            int64_t sharedPrefix = 0);

// softmax(q kᵀ / √d + mask) v for q [B, H, Tq, D], k/v [B, Hkv, Tk, D] (grouped-query heads are
// repeated). SDPA on LibTorch 2, the equivalent math on 1.13. With `softcap` (Gemma 2), the
// scores pass through cap·tanh(s / cap) before the mask.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const AttentionPlan& plan, std::optional<double> softcap = std::nullopt);

}  // namespace tunebench
