#include "peft/QloraLinear.h"

#include <sstream>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Saves the quantised tensors (shared, not copied) instead of the dequantised weight, which
// is what keeps QLoRA's activation memory at the size of LoRA's.
class Nf4LinearFunction : public torch::autograd::Function<Nf4LinearFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               const Nf4Tensor* weight) {
    context->saved_data["codes"] = weight->packedCodes;
    context->saved_data["scale_codes"] = weight->scaleCodes;
    context->saved_data["group_scales"] = weight->groupScales;
    context->saved_data["scale_mean"] = static_cast<double>(weight->scaleMean);
    context->saved_data["shape"] = weight->shape;
    context->saved_data["count"] = weight->count;
    context->saved_data["dtype"] = static_cast<int64_t>(x.scalar_type());
    return torch::nn::functional::linear(x, dequantizeNf4Transient(*weight, x.scalar_type()));
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    if (!context->needs_input_grad(0)) return {torch::Tensor(), torch::Tensor()};
    Nf4Tensor weight;
    weight.packedCodes = context->saved_data["codes"].toTensor();
    weight.scaleCodes = context->saved_data["scale_codes"].toTensor();
    weight.groupScales = context->saved_data["group_scales"].toTensor();
    weight.scaleMean = static_cast<float>(context->saved_data["scale_mean"].toDouble());
    weight.shape = context->saved_data["shape"].toIntVector();
    weight.count = context->saved_data["count"].toInt();
    const auto dtype = static_cast<torch::ScalarType>(context->saved_data["dtype"].toInt());
    // dL/dx = dL/dy · W for y = x Wᵀ.
    return {torch::matmul(gradOutputs[0], dequantizeNf4Transient(weight, dtype)), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor nf4Linear(const torch::Tensor& x, const Nf4Tensor& weight) {
  if (weight.shape.size() != 2 || x.size(-1) != weight.shape[1]) {
    std::ostringstream text;
    text << "NF4 linear: input of shape " << x.sizes() << " does not fit a weight of shape "
         << c10::IntArrayRef(weight.shape);
    throw Error(text.str());
  }
  return Nf4LinearFunction::apply(x, &weight);
}

QloraLinearImpl::QloraLinearImpl(const LinearImpl& base) : LoraLinearImpl(base) {
  if (!weight.defined() || weight.dim() != 2)
    throw Error("QLoRA needs a two-dimensional linear weight");
  quantized_ = quantizeNf4(weight);
  dtype_ = weight.scalar_type();
  // The layer no longer refers to the full-precision tensor; once the replaced layer is gone
  // its memory is freed.
  parameters_.erase("weight");
  weight = torch::Tensor();
}

torch::Tensor QloraLinearImpl::baseWeight() const {
  return dequantizeNf4(quantized_, dtype_);
}

torch::Tensor QloraLinearImpl::baseOutput(const torch::Tensor& x) const {
  return nf4Linear(x, quantized_);
}

void QloraLinearImpl::merge() {
  throw Error(
      "a QLoRA layer keeps its base weight in NF4 and cannot merge an adapter into it; "
      "save the adapter, load it onto the full-precision base model and merge there");
}

void QloraLinearImpl::unmerge() {}

}  // namespace tunebench
