#pragma once
// AdamW whose CPU step makes one pass over each parameter's weights, gradient and moments
// (LibTorch's makes six or seven). The state, options and saved form are AdamW's, so a
// checkpoint written by one loads into the other.
#include <torch/optim/adamw.h>

namespace tunebench {

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;

  // The update of torch::optim::AdamW (decoupled weight decay, bias-corrected moments, no
  // AMSGrad) in fp32 on contiguous CPU tensors; anything else goes to AdamW's own step.
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace tunebench
