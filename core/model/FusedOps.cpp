#include "model/FusedOps.h"

#include "common/TorchPch.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool tracksGradients(std::initializer_list<const torch::Tensor*> inputs) {
  if (!torch::GradMode::is_enabled()) return false;
  for (const auto* input : inputs)
    if (input->requires_grad()) return true;
  return false;
}

class SwiGluFunction : public torch::autograd::Function<SwiGluFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& gate,
                               const torch::Tensor& up) {
    context->save_for_backward({gate, up});
    return torch::silu(gate) * up;
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& gate = saved[0];
    const auto& up = saved[1];
    const auto& grad = gradOutputs[0];
    // The products autograd forms for silu(gate) * up, in its order.
    torch::Tensor gateGrad, upGrad;
    if (context->needs_input_grad(0)) gateGrad = torch::silu_backward(grad * up, gate);
    if (context->needs_input_grad(1)) upGrad = grad * torch::silu(gate);
    return {gateGrad, upGrad};
  }
};

class RmsNormFunction : public torch::autograd::Function<RmsNormFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               const torch::Tensor& weight, double eps) {
    const auto x32 = x.to(torch::kFloat32);
    const auto factor = torch::rsqrt(x32.pow(2).mean(-1, true) + eps);
    context->save_for_backward({x, weight, factor});
    return weight * (x32 * factor).to(x.scalar_type());
  }

  // With n = x·r, r = (mean(x²) + eps)^-½ and y = w·n: dL/dw = Σ g·n over the rows, and
  // dL/dx = r·(g·w − n·mean(g·w·n)).
  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const auto& factor = saved[2];
    const auto grad = gradOutputs[0].to(torch::kFloat32);
    const auto normed = x.to(torch::kFloat32) * factor;
    torch::Tensor xGrad, weightGrad;
    if (context->needs_input_grad(0)) {
      const auto scaled = grad * weight.to(torch::kFloat32);
      xGrad = (factor * (scaled - normed * (scaled * normed).mean(-1, true))).to(x.scalar_type());
    }
    if (context->needs_input_grad(1))
      weightGrad = (grad * normed.to(x.scalar_type()).to(torch::kFloat32))
                       .reshape({-1, weight.numel()})
                       .sum(0)
                       .to(weight.scalar_type());
    return {xGrad, weightGrad, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor swiGlu(const torch::Tensor& gate, const torch::Tensor& up) {
  if (!tracksGradients({&gate, &up})) return torch::silu(gate) * up;
  return SwiGluFunction::apply(gate, up);
}

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  if (!tracksGradients({&x, &weight})) {
    const auto x32 = x.to(torch::kFloat32);
    return weight * (x32 * torch::rsqrt(x32.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
  }
  return RmsNormFunction::apply(x, weight, eps);
}

}  // namespace tunebench
