#include "train/FusedAdamW.h"

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <cmath>

namespace tunebench {

namespace {

bool fusable(const torch::Tensor& parameter) {
  const auto& grad = parameter.grad();
  auto plain = [](const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous() &&
           !t.is_sparse();
  };
  return plain(parameter) && plain(grad);
}

}  // namespace

torch::Tensor FusedAdamW::step(LossClosure closure) {
  for (const auto& group : param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    if (options.amsgrad()) return AdamW::step(closure);
    for (const auto& parameter : group.params())
      if (parameter.grad().defined() && !fusable(parameter)) return AdamW::step(closure);
  }
  torch::NoGradGuard noGrad;
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enableGrad(true);
    loss = closure();
  }
  for (auto& group : param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      const auto key = c10::guts::to_string(parameter.unsafeGetTensorImpl());
      auto found = state_.find(key);
      if (found == state_.end()) {  // as AdamW creates it
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
        found = state_.emplace(key, std::move(fresh)).first;
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*found->second);
      state.step(state.step() + 1);
      const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
      const double biasCorrection1 = 1 - std::pow(beta1, static_cast<double>(state.step()));
      const double biasCorrection2 = 1 - std::pow(beta2, static_cast<double>(state.step()));
      const bool decays = options.weight_decay() != 0;
      const float decay = static_cast<float>(1 - options.lr() * options.weight_decay());
      const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
      const float gradWeight1 = static_cast<float>(1 - beta1),
                  gradWeight2 = static_cast<float>(1 - beta2);
      const float correction2 = static_cast<float>(std::sqrt(biasCorrection2));
      const float stepSize = static_cast<float>(options.lr() / biasCorrection1);
      const float eps = static_cast<float>(options.eps());
      float* weights = parameter.data_ptr<float>();
      const float* grads = parameter.grad().data_ptr<float>();
      float* firstMoment = state.exp_avg().data_ptr<float>();
      float* secondMoment = state.exp_avg_sq().data_ptr<float>();
      at::parallel_for(0, parameter.numel(), 32768, [&](int64_t first, int64_t last) {
#pragma omp simd
        for (int64_t i = first; i < last; ++i) {
          const float g = grads[i];
          const float m = firstMoment[i] * b1 + gradWeight1 * g;
          const float v = secondMoment[i] * b2 + gradWeight2 * g * g;
          firstMoment[i] = m;
          secondMoment[i] = v;
          const float w = decays ? weights[i] * decay : weights[i];
          weights[i] = w - stepSize * (m / (std::sqrt(v) / correction2 + eps));
        }
      });
    }
  }
  return loss;
}

}  // namespace tunebench
