#pragma once
// QLoRA's linear layer: the frozen base weight is kept only in NF4 form (see Nf4.h) and
// dequantised on the fly, in forward and again in backward, so that no full-precision copy
// lives between the two. Only the input's gradient flows through the dequantised weight; LoRA
// adapters on top train as in LoraLinear. Adapter tensors keep PEFT's names, so a QLoRA adapter
// is a plain LoRA adapter on the full-precision base.
#include "peft/LoraLinear.h"
#include "peft/Nf4.h"

namespace tunebench {

class QloraLinearImpl : public LoraLinearImpl {
 public:
  // Quantises the base layer's weight and drops its full-precision tensor: the registered
  // "weight" parameter goes away (the bias, if any, stays as a frozen parameter).
  explicit QloraLinearImpl(const LinearImpl& base);

  const Nf4Tensor& quantizedWeight() const { return quantized_; }
  torch::ScalarType computeDtype() const { return dtype_; }

  // Merging would have to requantise the base; it is refused with a message that says to merge
  // the adapter into the full-precision model instead.
  void merge() override;
  void unmerge() override;

 protected:
  torch::Tensor baseWeight() const override;
  torch::Tensor baseOutput(const torch::Tensor& x) const override;

 private:
  Nf4Tensor quantized_;
  torch::ScalarType dtype_;
};
TORCH_MODULE(QloraLinear);

// x Wᵀ for the weight that `weight` stands for; backward gives x its gradient by dequantising
// again and gives the weight none.
torch::Tensor nf4Linear(const torch::Tensor& x, const Nf4Tensor& weight);

}  // namespace tunebench
