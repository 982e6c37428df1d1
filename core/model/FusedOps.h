#pragma once
// Operations with a hand-written backward that keeps fewer activations than autograd would
// keep for the same expression built from single operations. Forward values are those of the
// plain expressions; without gradients the plain expressions run.
#include <torch/types.h>

namespace tunebench {

// silu(gate) · up (the SwiGLU feed-forward's middle). Keeps gate and up for backward, not
// silu(gate): one [tokens, intermediate] tensor less per layer. Its gradients equal autograd's
// bit for bit.
torch::Tensor swiGlu(const torch::Tensor& gate, const torch::Tensor& up);

// weight · x / sqrt(mean(x²) + eps) over the last dimension, the statistics in fp32. Keeps x
// and the per-row factor for backward, not the normalised activations.
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace tunebench
