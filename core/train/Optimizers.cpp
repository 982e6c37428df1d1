#include "train/Optimizers.h"

#include "common/Error.h"
#include "common/TorchPch.h"
#include "train/AdaDelta.h"
#include "train/FusedAdamW.h"

namespace tunebench {

bool isNormOrBias(const std::string& name, const torch::Tensor& parameter) {
  return parameter.dim() < 2 || (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0);
}

namespace {

template <typename Options>
std::vector<torch::optim::OptimizerParamGroup> groupsFor(torch::nn::Module& model,
                                                         const OptimizerConfig& config,
                                                         const Options& base) {
  std::vector<torch::Tensor> decayed, exempt;
  for (const auto& item : model.named_parameters()) {
    if (!item.value().requires_grad()) continue;
    if (!config.decayNormsAndBiases && isNormOrBias(item.key(), item.value()))
      exempt.push_back(item.value());
    else
      decayed.push_back(item.value());
  }
  if (decayed.empty() && exempt.empty()) throw Error("the model has no trainable parameters");
  auto decayOptions = std::make_unique<Options>(base);
  decayOptions->weight_decay(config.weightDecay);
  auto exemptOptions = std::make_unique<Options>(base);
  exemptOptions->weight_decay(0.0);
  // Both groups always exist so that checkpoints have the same shape for every config.
  return {torch::optim::OptimizerParamGroup(decayed, std::move(decayOptions)),
          torch::optim::OptimizerParamGroup(exempt, std::move(exemptOptions))};
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerConfig& c, torch::nn::Module& model) {
  using namespace torch::optim;
  switch (c.kind) {
    case OptimizerKind::Sgd: {
      SGDOptions options(c.learningRate);
      options.momentum(c.momentum).nesterov(c.nesterov);
      return std::make_unique<SGD>(groupsFor(model, c, options), options);
    }
    case OptimizerKind::Adagrad: {
      AdagradOptions options(c.learningRate);
      options.eps(c.eps);
      return std::make_unique<Adagrad>(groupsFor(model, c, options), options);
    }
    case OptimizerKind::RmsProp: {
      RMSpropOptions options(c.learningRate);
      options.alpha(c.alpha).eps(c.eps).momentum(c.momentum);
      return std::make_unique<RMSprop>(groupsFor(model, c, options), options);
    }
    case OptimizerKind::AdaDelta: {
      AdaDeltaOptions options(c.learningRate);
      options.rho(c.rho).eps(c.eps);
      return std::make_unique<AdaDelta>(groupsFor(model, c, options), options);
    }
    case OptimizerKind::Adam: {
      AdamOptions options(c.learningRate);
      options.betas({c.beta1, c.beta2}).eps(c.eps);
      return std::make_unique<Adam>(groupsFor(model, c, options), options);
    }
    case OptimizerKind::AdamW: {
      AdamWOptions options(c.learningRate);
      options.betas({c.beta1, c.beta2}).eps(c.eps);
      return std::make_unique<FusedAdamW>(groupsFor(model, c, options), options);
    }
  }
  throw Error("unknown optimizer");
}

void setLearningRate(torch::optim::Optimizer& optimizer, double learningRate) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(learningRate);
}

void clearGradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& parameter : group.params()) parameter.mutable_grad().reset();
}

}  // namespace tunebench
