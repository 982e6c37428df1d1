#include "model/JointLinear.h"

#include <typeinfo>

#include "common/TorchPch.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Fewer rows than this go layer by layer.
constexpr int64_t kFewestJointRows = 16;

// Inputs: x, the weights, then the biases (if any), as autograd's flat list.
class StackedLinearFunction : public torch::autograd::Function<StackedLinearFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               at::TensorList weights, at::TensorList biases) {
    const auto rows = x.reshape({-1, x.size(-1)});
    const auto stacked = torch::cat(weights, 0);
    const auto out = biases.empty() ? rows.mm(stacked.t())
                                    : torch::addmm(torch::cat(biases, 0), rows, stacked.t());
    std::vector<torch::Tensor> saved{x};
    saved.insert(saved.end(), weights.begin(), weights.end());
    context->save_for_backward(saved);
    context->saved_data["has_biases"] = !biases.empty();
    auto shape = x.sizes().vec();
    shape.back() = stacked.size(0);
    return out.view(shape);
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& x = saved[0];
    const std::vector<torch::Tensor> weights(saved.begin() + 1, saved.end());
    const size_t count = weights.size();
    const bool hasBiases = context->saved_data["has_biases"].toBool();
    const auto grad = gradOutputs[0].reshape({-1, gradOutputs[0].size(-1)});
    variable_list grads(1 + count * (hasBiases ? 2 : 1));
    if (context->needs_input_grad(0)) grads[0] = grad.mm(torch::cat(weights, 0)).view(x.sizes());
    bool anyWeight = false, anyBias = false;
    for (size_t i = 0; i < count; ++i) {
      anyWeight = anyWeight || context->needs_input_grad(1 + i);
      anyBias = anyBias || (hasBiases && context->needs_input_grad(1 + count + i));
    }
    // One product for all the weights' gradients; each layer gets its rows (a view).
    torch::Tensor weightGrad, biasGrad;
    if (anyWeight) weightGrad = grad.t().mm(x.reshape({-1, x.size(-1)}));
    if (anyBias) biasGrad = grad.sum(0);
    int64_t offset = 0;
    for (size_t i = 0; i < count; ++i) {
      const int64_t out = weights[i].size(0);
      if (context->needs_input_grad(1 + i)) grads[1 + i] = weightGrad.narrow(0, offset, out);
      if (hasBiases && context->needs_input_grad(1 + count + i))
        grads[1 + count + i] = biasGrad.narrow(0, offset, out);
      offset += out;
    }
    return grads;
  }
};

}  // namespace

torch::Tensor stackedLinear(const torch::Tensor& x, const std::vector<torch::Tensor>& weights,
                            const std::vector<torch::Tensor>& biases) {
  return StackedLinearFunction::apply(x, at::TensorList(weights), at::TensorList(biases));
}

std::optional<torch::Tensor> jointProjection(const std::vector<LinearImpl*>& layers,
                                             const torch::Tensor& x) {
  if (layers.size() < 2 || x.dim() < 1 || x.numel() < kFewestJointRows * x.size(-1))
    return std::nullopt;
  const auto& first = layers.front()->weight;
  const bool withBiases = layers.front()->bias.defined();
  std::vector<torch::Tensor> weights, biases;
  for (auto* layer : layers) {
    const auto& weight = layer->weight;
    if (typeid(*layer) != typeid(LinearImpl) || weight.dim() != 2 ||
        weight.size(1) != x.size(-1) || weight.scalar_type() != first.scalar_type() ||
        weight.device() != first.device() || weight.scalar_type() != x.scalar_type() ||
        layer->bias.defined() != withBiases)
      return std::nullopt;
    weights.push_back(weight);
    if (withBiases) biases.push_back(layer->bias);
  }
  return stackedLinear(x, weights, biases);
}

}  // namespace tunebench
