#include "train/ChunkedCrossEntropy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/VectorExp.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kChunkLogitBytes = 64ll << 20;

// One row of logits: its loss logsumexp − logit[target], and when asked the row replaced by the
// loss's gradient with respect to it, softmax − onehot(target). The row is read from memory
// once, for its maximum, and from cache after that.
TUNEBENCH_ALWAYS_INLINE float crossEntropyRow(float* logit, int64_t width, int64_t target,
                                              bool replaceWithGradient) {
  float largest = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : largest)
  for (int64_t i = 0; i < width; ++i) largest = logit[i] > largest ? logit[i] : largest;
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < width; ++i) sum += vectorExp(logit[i] - largest);
  const float logSumExp = largest + std::log(sum);
  const float loss = logSumExp - logit[target];
  if (replaceWithGradient) {
#pragma omp simd
    for (int64_t i = 0; i < width; ++i) logit[i] = vectorExp(logit[i] - logSumExp);
    logit[target] -= 1.0f;
  }
  return loss;
}

TUNEBENCH_TARGET_AVX2_FMA float crossEntropyRowAvx2(float* logit, int64_t width, int64_t target,
                                                    bool replaceWithGradient) {
  return crossEntropyRow(logit, width, target, replaceWithGradient);
}
float crossEntropyRowBaseline(float* logit, int64_t width, int64_t target,
                              bool replaceWithGradient) {
  return crossEntropyRow(logit, width, target, replaceWithGradient);
}

// crossEntropyRow over logits [rows, V] (fp32 on the CPU, contiguous) and targets [rows, 1]:
// the rows' losses. LibTorch's operations for the same would make about five passes over the
// chunk.
torch::Tensor crossEntropyRows(torch::Tensor& logits, const torch::Tensor& targets,
                               bool replaceWithGradient) {
  const int64_t rows = logits.size(0), width = logits.size(1);
  auto losses = torch::empty({rows}, logits.options());
  float* base = logits.data_ptr<float>();
  float* lossOut = losses.data_ptr<float>();
  const int64_t* targetOf = targets.data_ptr<int64_t>();
  const auto row = cpuHasAvx2Fma() ? crossEntropyRowAvx2 : crossEntropyRowBaseline;
  at::parallel_for(0, rows, 1, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r)
      lossOut[r] = row(base + r * width, width, targetOf[r], replaceWithGradient);
  });
  return losses;
}

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
    const bool wantGrad = hiddenNeedsGrad || weightNeedsGrad;
    if (logits.device().is_cpu()) {
      pass.loss += crossEntropyRows(logits, chunkTargets, wantGrad).sum();
    } else {
      const auto logSumExp = logits.logsumexp(1, /*keepdim=*/true);
      pass.loss += (logSumExp - logits.gather(1, chunkTargets)).sum();
      if (wantGrad) {
        logits.sub_(logSumExp).exp_();
        logits.scatter_add_(1, chunkTargets, torch::full({size, 1}, -1.0f, logits.options()));
      }
    }
    if (!wantGrad) continue;
    const auto& gradient = logits;  // softmax − onehot(target), row by row
    if (hiddenNeedsGrad) {
      auto rowsGrad = selectedGrad.narrow(0, start, size);
      torch::mm_out(rowsGrad, gradient, weightFloat);
    }
    if (weightNeedsGrad) pass.weightGrad.addmm_(gradient.t(), chunkHidden);
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
