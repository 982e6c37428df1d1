#pragma once
// The products of several linear layers that read the same input, as one product with their
// weights stacked: one wider GEMM instead of several narrow ones, and in backward the input's
// gradient from one product instead of one per layer and their sum. The stacked weight is built
// for each product and dropped after it, in forward and again in backward, so no copy of the
// weights stays alive in between (a copy per layer would add a third of a model's weights to
// full fine-tuning's peak).
#include <optional>
#include <vector>

#include "model/Layers.h"

namespace tunebench {

// x · [W₁; W₂; …]ᵀ + [b₁; b₂; …] for x [.., in]: [.., Σ out]. Biases: none or one per weight.
torch::Tensor stackedLinear(const torch::Tensor& x, const std::vector<torch::Tensor>& weights,
                            const std::vector<torch::Tensor>& biases);

// The layers' outputs side by side ([.., Σ out]) when they can be computed jointly: all are
// plain Linear layers (an adapter layer runs its own forward), alike in dtype, device and
// having a bias, and x has more than a few rows (a single row goes through matrix-vector
// products, which stacking would slow down). Otherwise nothing.
std::optional<torch::Tensor> jointProjection(const std::vector<LinearImpl*>& layers,
                                             const torch::Tensor& x);

}  // namespace tunebench
