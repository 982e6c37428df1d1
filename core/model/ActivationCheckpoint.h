#pragma once
// Activation (gradient) checkpointing: a block runs without keeping its intermediate activations,
// and the backward pass runs it again from its saved input to get them. Memory falls from all
// layers' activations to their inputs, at the cost of a second forward per block.
#include <torch/types.h>
#include <functional>

namespace tunebench {

using CheckpointedBlock = std::function<torch::Tensor(const torch::Tensor&)>;

// `block` must be deterministic given its input and the random generator's state (which is
// replayed), and must keep no state of its own between calls (no KV cache). Gradients reach the
// block's parameters and `input` as a plain call would give them.
torch::Tensor runCheckpointed(CheckpointedBlock block, const torch::Tensor& input);

}  // namespace tunebench
