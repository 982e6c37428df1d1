#include "train/ChunkedCrossEntropy.h"

#include <algorithm>
#include <sstream>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kChunkLogitBytes = 64ll << 20;

struct ChunkedPass {
  torch::Tensor loss;        // scalar, fp32
  torch::Tensor hiddenGrad;  // [N, H] or undefined
  torch::Tensor weightGrad;  // [V, H] or undefined
};

// One pass over the target rows. The gradient of Σ −log p[t] with respect to the logits is
// softmax − onehot(t); from it follow hidden's (· W) and weight's (ᵀ · hidden) gradients.
ChunkedPass runChunks(const torch::Tensor& hidden, const torch::Tensor& weight,
                      const torch::Tensor& targets, int64_t ignoredTarget, int64_t rowsPerChunk,
                      bool hiddenNeedsGrad, bool weightNeedsGrad) {
  torch::NoGradGuard noGrad;
  const auto rows = (targets != ignoredTarget).nonzero().view(-1);
  const auto selectedHidden = hidden.index_select(0, rows);
  const auto selectedTargets = targets.index_select(0, rows).unsqueeze(1);
  const int64_t count = rows.numel();
  const auto weightFloat = weight.to(torch::kFloat32);
  ChunkedPass pass;
  pass.loss = torch::zeros({}, hidden.options().dtype(torch::kFloat32));
  torch::Tensor selectedGrad;
  if (hiddenNeedsGrad) selectedGrad = torch::empty({count, hidden.size(1)}, pass.loss.options());
  if (weightNeedsGrad) pass.weightGrad = torch::zeros(weight.sizes(), pass.loss.options());
  for (int64_t start = 0; start < count; start += rowsPerChunk) {
    const int64_t size = std::min(rowsPerChunk, count - start);
    const auto chunkHidden = selectedHidden.narrow(0, start, size).to(torch::kFloat32);
    const auto chunkTargets = selectedTargets.narrow(0, start, size);
    auto logits = chunkHidden.mm(weightFloat.t());
    const auto logSumExp = logits.logsumexp(1, /*keepdim=*/true);
    pass.loss += (logSumExp - logits.gather(1, chunkTargets)).sum();
    if (!hiddenNeedsGrad && !weightNeedsGrad) continue;
    auto& probabilities = logits.sub_(logSumExp).exp_();
    probabilities.scatter_add_(1, chunkTargets, torch::full({size, 1}, -1.0f, logits.options()));
    if (hiddenNeedsGrad) selectedGrad.narrow(0, start, size).copy_(probabilities.mm(weightFloat));
    if (weightNeedsGrad) pass.weightGrad.addmm_(probabilities.t(), chunkHidden);
  }
  if (hiddenNeedsGrad) {
    pass.hiddenGrad = torch::zeros(hidden.sizes(), pass.loss.options());
    pass.hiddenGrad.index_copy_(0, rows, selectedGrad);
    pass.hiddenGrad = pass.hiddenGrad.to(hidden.scalar_type());
  }
  if (weightNeedsGrad) pass.weightGrad = pass.weightGrad.to(weight.scalar_type());
  return pass;
}

// The gradients come out of the forward pass; backward only scales them by the incoming one.
class ChunkedLinearCrossEntropyFunction
    : public torch::autograd::Function<ChunkedLinearCrossEntropyFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& hidden,
                               const torch::Tensor& weight, const torch::Tensor& targets,
                               int64_t ignoredTarget, int64_t rowsPerChunk) {
    auto pass = runChunks(hidden, weight, targets, ignoredTarget, rowsPerChunk,
                          hidden.requires_grad(), weight.requires_grad());
    context->saved_data["hidden_grad"] = pass.hiddenGrad;
    context->saved_data["weight_grad"] = pass.weightGrad;
    return pass.loss;
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto& scale = gradOutputs[0];
    auto hiddenGrad = context->saved_data["hidden_grad"].toTensor();
    auto weightGrad = context->saved_data["weight_grad"].toTensor();
    // Released here: a second backward through this loss is not supported.
    context->saved_data.clear();
    if (hiddenGrad.defined()) hiddenGrad = hiddenGrad * scale.to(hiddenGrad.scalar_type());
    if (weightGrad.defined()) weightGrad.mul_(scale.to(weightGrad.scalar_type()));
    return {hiddenGrad, weightGrad, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

void checkInputs(const torch::Tensor& hidden, const torch::Tensor& weight,
                 const torch::Tensor& targets, int64_t ignoredTarget) {
  std::ostringstream problem;
  if (hidden.dim() != 2 || weight.dim() != 2 || targets.dim() != 1 ||
      hidden.size(1) != weight.size(1) || hidden.size(0) != targets.size(0)) {
    problem << "cross-entropy: hidden states " << hidden.sizes() << ", head weight "
            << weight.sizes() << " and targets " << targets.sizes() << " do not fit together";
    throw Error(problem.str());
  }
  if (targets.scalar_type() != torch::kInt64) throw Error("cross-entropy: targets must be int64");
  const auto valid = targets.masked_select(targets != ignoredTarget);
  if (valid.numel() == 0) return;
  const int64_t smallest = valid.min().item<int64_t>(), largest = valid.max().item<int64_t>();
  if (smallest < 0 || largest >= weight.size(0)) {
    problem << "cross-entropy: target token " << (smallest < 0 ? smallest : largest)
            << " is outside the vocabulary of " << weight.size(0) << " tokens";
    throw Error(problem.str());
  }
}

}  // namespace

int64_t defaultCrossEntropyChunkRows(int64_t vocabularySize) {
  const int64_t bytesPerRow = std::max<int64_t>(1, vocabularySize) * 4;
  return std::max<int64_t>(16, kChunkLogitBytes / bytesPerRow);
}

torch::Tensor chunkedLinearCrossEntropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                        const torch::Tensor& targets, int64_t ignoredTarget,
                                        int64_t rowsPerChunk) {
  checkInputs(hidden, weight, targets, ignoredTarget);
  if (rowsPerChunk <= 0) rowsPerChunk = defaultCrossEntropyChunkRows(weight.size(0));
  const bool tracked =
      torch::GradMode::is_enabled() && (hidden.requires_grad() || weight.requires_grad());
  if (!tracked)
    return runChunks(hidden, weight, targets, ignoredTarget, rowsPerChunk, false, false).loss;
  return ChunkedLinearCrossEntropyFunction::apply(hidden, weight, targets, ignoredTarget,
                                                  rowsPerChunk);
}

}  // namespace tunebench
