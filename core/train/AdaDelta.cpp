#include "train/AdaDelta.h"

#include "common/TorchPch.h"

namespace tunebench {

AdaDeltaOptions::AdaDeltaOptions(double learningRate) : lr_(learningRate) {}

void AdaDeltaOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(rho);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
}

void AdaDeltaOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, rho);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
}

void AdaDeltaParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(square_avg);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(acc_delta);
}

void AdaDeltaParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, square_avg);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, acc_delta);
}

AdaDelta::AdaDelta(std::vector<torch::optim::OptimizerParamGroup> groups, AdaDeltaOptions defaults)
    : torch::optim::Optimizer(std::move(groups), std::make_unique<AdaDeltaOptions>(defaults)) {}

torch::Tensor AdaDelta::step(LossClosure closure) {
  torch::NoGradGuard noGrad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enableGrad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdaDeltaOptions&>(group.options());
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      auto gradient = parameter.grad();
      if (options.weight_decay() != 0) gradient = gradient.add(parameter, options.weight_decay());
      auto key = c10::guts::to_string(parameter.unsafeGetTensorImpl());
      auto found = state_.find(key);
      if (found == state_.end()) {
        auto state = std::make_unique<AdaDeltaParamState>();
        state->square_avg(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
        state->acc_delta(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
        found = state_.emplace(key, std::move(state)).first;
      }
      auto& state = static_cast<AdaDeltaParamState&>(*found->second);
      state.step(state.step() + 1);
      auto& squareAverage = state.square_avg();
      auto& accumulatedDelta = state.acc_delta();
      squareAverage.mul_(options.rho()).addcmul_(gradient, gradient, 1 - options.rho());
      const auto delta = accumulatedDelta.add(options.eps()).sqrt_()
                             .div_(squareAverage.add(options.eps()).sqrt_())
                             .mul_(gradient);
      accumulatedDelta.mul_(options.rho()).addcmul_(delta, delta, 1 - options.rho());
      parameter.add_(delta, -options.lr());
    }
  }
  return loss;
}

void AdaDelta::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<AdaDeltaParamState, AdaDeltaOptions>(archive, *this);
}

void AdaDelta::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<AdaDeltaParamState, AdaDeltaOptions>(archive, *this);
}

}  // namespace tunebench
