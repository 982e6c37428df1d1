#pragma once
// Builds the configured optimiser over a model's trainable parameters, in two groups so that
// norms and biases can be spared weight decay.
#include <memory>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include "train/TrainingConfig.h"

namespace tunebench {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerConfig& config,
                                                       torch::nn::Module& model);

void setLearningRate(torch::optim::Optimizer& optimizer, double learningRate);

// Drops the optimiser's gradients (rather than filling them with zeros): the next backward
// hands its gradient tensors over instead of adding them to zeros, and until then the memory is
// free. Optimisers and clipping skip parameters without a gradient.
void clearGradients(torch::optim::Optimizer& optimizer);

// Whether a parameter is exempt from weight decay by default (1-D: norm scales and biases).
bool isNormOrBias(const std::string& name, const torch::Tensor& parameter);

}  // namespace tunebench
