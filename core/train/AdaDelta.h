#pragma once
// AdaDelta (Zeiler 2012), which LibTorch's C++ API lacks:
//   v ← ρv + (1−ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − lr·Δ
// with optional weight decay added to the gradient (g ← g + λθ).
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

namespace tunebench {

struct AdaDeltaOptions : public torch::optim::OptimizerCloneableOptions<AdaDeltaOptions> {
  AdaDeltaOptions(double lr = 1.0);  // NOLINT: mirrors LibTorch's option types
  TORCH_ARG(double, lr) = 1.0;
  TORCH_ARG(double, rho) = 0.9;
  TORCH_ARG(double, eps) = 1e-6;
  TORCH_ARG(double, weight_decay) = 0.0;

 public:  // TORCH_ARG leaves the section private
  void serialize(torch::serialize::OutputArchive& archive) const override;
  void serialize(torch::serialize::InputArchive& archive) override;
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdaDeltaParamState : public torch::optim::OptimizerCloneableParamState<AdaDeltaParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, square_avg);
  TORCH_ARG(torch::Tensor, acc_delta);

 public:  // TORCH_ARG leaves the section private
  void serialize(torch::serialize::OutputArchive& archive) const override;
  void serialize(torch::serialize::InputArchive& archive) override;
};

class AdaDelta : public torch::optim::Optimizer {
 public:
  AdaDelta(std::vector<torch::optim::OptimizerParamGroup> groups, AdaDeltaOptions defaults = {});
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;
};

}  // namespace tunebench
