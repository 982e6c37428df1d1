#pragma once
// Operations with a hand-written backward that keeps fewer activations than autograd would
// keep for the same expression built from single operations, and on the CPU in fp32 makes
// fewer passes over memory (one loop instead of several LibTorch operations). Values agree with
// the plain expressions to float rounding.
#include <torch/types.h>

namespace tunebench {

// silu(gate) · up (the SwiGLU feed-forward's middle). Keeps gate and up for backward, not
// silu(gate): one [tokens, intermediate] tensor less per layer. On the CPU in fp32 forward is
// one pass, and backward one pass for both gradients (the sigmoid is computed again in it).
torch::Tensor swiGlu(const torch::Tensor& gate, const torch::Tensor& up);

// weight · x / sqrt(mean(x²) + eps) over the last dimension, the statistics in fp32. On the
// CPU in fp32: one pass per row forward and one backward, keeping x and the per-row factor, not
// the normalised activations. Other dtypes and devices run the plain expression.
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// x · cos + rotate_half(x) · sin (rotary position embedding) for x [B, H, T, D] and cos, sin
// [B or 1, 1, T, D]. On the CPU in fp32 with x's last dimension contiguous: one pass forward
// (the output is contiguous, as the attention products want it) and one backward (the inverse
// rotation), nothing kept but cos and sin. Otherwise the plain expression.
torch::Tensor rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// softmax(q kᵀ / √d + causal mask) v for q [B, H, T, D] and k, v [B, Hkv, T, D] in fp32, with
// Hkv dividing H (grouped-query heads). The queries of a group are stacked against their one
// key/value head, so keys and values are never repeated per head and each product is one larger
// batched GEMM; the scale rides on the GEMM. Keeps q, k, v and the probabilities for backward,
// as autograd would. Output [B, H, T, D].
torch::Tensor causalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v);

}  // namespace tunebench
