#include "model/Layers.h"

#include <cmath>
#include <limits>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/FusedOps.h"

namespace tunebench {

LinearImpl::LinearImpl(int64_t inFeatures, int64_t outFeatures, bool hasBias) {
  weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}));
  if (hasBias) bias = register_parameter("bias", torch::empty({outFeatures}));
}

LinearImpl::LinearImpl(torch::Tensor existingWeight, torch::Tensor existingBias) {
  weight = register_parameter("weight", std::move(existingWeight));
  if (existingBias.defined()) bias = register_parameter("bias", std::move(existingBias));
}

torch::Tensor linearProduct(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias) {
  const int64_t inFeatures = x.size(-1);
  if (x.numel() != inFeatures || weight.dim() != 2 || weight.size(1) != inFeatures ||
      !x.device().is_cpu())
    return torch::nn::functional::linear(x, weight, bias);
  auto shape = x.sizes().vec();
  shape.back() = weight.size(0);
  const auto product = torch::mv(weight, x.reshape({inFeatures}));
  return (bias.defined() ? product + bias : product).view(shape);
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
  return linearProduct(x, weight, bias);
}

EmbeddingImpl::EmbeddingImpl(int64_t count, int64_t dimension) {
  weight = register_parameter("weight", torch::empty({count, dimension}));
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor& ids) {
  // A tokenizer that does not match config.json gives ids beyond the table; LibTorch's own
  // message for that is a stack trace. On the CPU the check costs one pass over the ids (on a GPU
  // it would wait for the device on every step, and the device reports the fault itself).
  if (ids.device().is_cpu() && ids.numel() > 0) {
    const auto [low, high] = torch::aminmax(ids);
    const int64_t lowest = low.item<int64_t>(), highest = high.item<int64_t>();
    if (lowest < 0 || highest >= weight.size(0))
      throw Error("token id " + std::to_string(highest >= weight.size(0) ? highest : lowest) +
                  " is outside the model's vocabulary of " + std::to_string(weight.size(0)) +
                  " tokens (config.json's vocab_size): the tokenizer does not belong to this "
                  "model");
  }
  return torch::embedding(weight, ids);
}

RMSNormImpl::RMSNormImpl(int64_t dimension, double epsilon, bool scalesByOnePlusWeight)
    : eps(epsilon), plusOne(scalesByOnePlusWeight) {
  weight =
      register_parameter("weight", plusOne ? torch::zeros({dimension}) : torch::ones({dimension}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  // Statistics in fp32 whatever the activation dtype, as the reference implementation does.
  return rmsNorm(x, plusOne ? weight + 1 : weight, eps);
}

LayerNormImpl::LayerNormImpl(int64_t dimension, double epsilon) : eps(epsilon) {
  weight = register_parameter("weight", torch::ones({dimension}));
  bias = register_parameter("bias", torch::zeros({dimension}));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) {
  return torch::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

RotaryEmbeddingImpl::RotaryEmbeddingImpl(int64_t dim, double theta, const RopeScaling& scaling) {
  auto inv = 1.0 / torch::pow(theta, torch::arange(0, dim, 2, torch::kFloat64) / dim);
  if (scaling.type == RopeScaling::Type::LongRope) {
    // Each frequency divided by its factor: the short ones up to the original context.
    const auto base = inv.clone();
    inv = base / torch::tensor(scaling.shortFactor, torch::kFloat64);
    longInvFreq = register_buffer(
        "long_inv_freq",
        (base / torch::tensor(scaling.longFactor, torch::kFloat64)).to(torch::kFloat32));
    originalMaxPositions = scaling.originalMaxPositions;
    attentionFactor = scaling.attentionFactor;
  } else if (scaling.type == RopeScaling::Type::Linear) {
    inv = inv / scaling.factor;
  } else if (scaling.type == RopeScaling::Type::Llama3) {
    // Long wavelengths are slowed by `factor`, short ones kept, the band between blended.
    const double lowWavelength = scaling.originalMaxPositions / scaling.lowFreqFactor;
    const double highWavelength = scaling.originalMaxPositions / scaling.highFreqFactor;
    auto accessor = inv.accessor<double, 1>();
    for (int64_t i = 0; i < inv.size(0); ++i) {
      const double frequency = accessor[i];
      const double wavelength = 2 * M_PI / frequency;
      if (wavelength < highWavelength) continue;
      if (wavelength > lowWavelength) {
        accessor[i] = frequency / scaling.factor;
        continue;
      }
      const double smooth = (scaling.originalMaxPositions / wavelength - scaling.lowFreqFactor) /
                            (scaling.highFreqFactor - scaling.lowFreqFactor);
      accessor[i] = (1 - smooth) * frequency / scaling.factor + smooth * frequency;
    }
  }
  invFreq = register_buffer("inv_freq", inv.to(torch::kFloat32));
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbeddingImpl::forward(
    const torch::Tensor& positions) {
  const bool beyond = longInvFreq.defined() && positions.numel() > 0 &&
                      positions.max().item<int64_t>() + 1 > originalMaxPositions;
  const auto& frequencies = beyond ? longInvFreq : invFreq;
  const auto angles = positions.to(torch::kFloat32).unsqueeze(-1) * frequencies;  // [B, T, D/2]
  const auto full = torch::cat({angles, angles}, -1).unsqueeze(1);                // [B, 1, T, D]
  if (attentionFactor != 1.0) return {full.cos() * attentionFactor, full.sin() * attentionFactor};
  return {full.cos(), full.sin()};
}

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin) {
  const int64_t rotated = cos.size(-1);
  if (rotated == x.size(-1)) return rotary(x, cos, sin);
  // Partial rotary: the first dimensions rotate, the rest pass through.
  return torch::cat(
      {rotary(x.narrow(-1, 0, rotated), cos, sin), x.narrow(-1, rotated, x.size(-1) - rotated)},
      -1);
}

AttentionPlan planAttention(int64_t batch, int64_t length, int64_t past,
                            const torch::Tensor& paddingMask, const torch::Tensor& segmentIds,
                            std::optional<int64_t> window, const torch::Device& device,
                            int64_t sharedPrefix) {
  const int64_t total = past + length;
  const bool windowBites = window && *window < total;
  if (!paddingMask.defined() && !segmentIds.defined() && past == 0 && !windowBites) return {};
  auto options = torch::TensorOptions().dtype(torch::kInt64).device(device);
  const auto queryPos = torch::arange(past, total, options).unsqueeze(1);  // [T, 1]
  const auto keyPos = torch::arange(0, total, options).unsqueeze(0);       // [1, Tk]
  auto allowed = keyPos <= queryPos;
  if (windowBites) allowed = allowed & ((queryPos - keyPos) < *window);
  auto mask = allowed.unsqueeze(0).unsqueeze(0).expand({batch, 1, length, total});
  if (segmentIds.defined()) {
    const auto segments = segmentIds.to(device);
    auto sameSegment = segments.unsqueeze(2) == segments.unsqueeze(1);  // [B, T, T]
    if (sharedPrefix > 0) sameSegment = sameSegment | (keyPos < sharedPrefix).unsqueeze(0);
    mask = mask & sameSegment.unsqueeze(1);
  }
  if (paddingMask.defined()) {
    mask = mask & paddingMask.to(device).to(torch::kBool).view({batch, 1, 1, total});
    // A padding query sees nothing else; letting it see itself keeps its softmax finite so no
    // NaN reaches the values other rows read.
    mask = mask | (keyPos == queryPos).unsqueeze(0).unsqueeze(0);
  }
  return {mask, false};
}

namespace {

// The plan's mask (or the causal one) on scores [B, H, Tq, Tk], the softmax in fp32, and the
// values weighted by it.
torch::Tensor attendByScores(torch::Tensor scores, const AttentionPlan& plan,
                             const torch::Tensor& values) {
  if (plan.mask.defined()) {
    scores = scores.masked_fill(plan.mask.logical_not(), -std::numeric_limits<float>::infinity());
  } else if (plan.isCausal) {
    const int64_t tq = scores.size(2), tk = scores.size(3);
    const auto causal =
        torch::ones({tq, tk}, torch::TensorOptions().dtype(torch::kBool).device(scores.device()))
            .triu(tk - tq + 1);
    scores = scores.masked_fill(causal, -std::numeric_limits<float>::infinity());
  }
  return torch::matmul(torch::softmax(scores, -1, torch::kFloat32).to(values.scalar_type()),
                       values);
}

// The scores computed out and capped before the mask: no fused kernel caps scores.
torch::Tensor softcappedAttention(const torch::Tensor& q, const torch::Tensor& keys,
                                  const torch::Tensor& values, const AttentionPlan& plan,
                                  double cap) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, keys.transpose(-2, -1)).to(torch::kFloat32) * scale;
  return attendByScores(torch::tanh(scores / cap) * cap, plan, values);
}

}  // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const AttentionPlan& plan, std::optional<double> softcap) {
  if (softcap) {
    const int64_t groups = q.size(1) / k.size(1);
    return softcappedAttention(q, groups > 1 ? k.repeat_interleave(groups, 1) : k,
                               groups > 1 ? v.repeat_interleave(groups, 1) : v, plan, *softcap);
  }
#if TORCH_VERSION_MAJOR < 2
  // Plain causal attention in fp32 (training, scoring, a prompt's first pass): the grouped
  // product without repeated keys and values.
  const auto fp32 = [](const torch::Tensor& t) { return t.scalar_type() == torch::kFloat32; };
  if (!plan.mask.defined() && plan.isCausal && q.size(2) == k.size(2) && fp32(q) && fp32(k) &&
      fp32(v))
    return causalAttention(q, k, v);
#endif
  auto keys = k;
  auto values = v;
  const int64_t groups = q.size(1) / k.size(1);
  if (groups > 1) {
    keys = k.repeat_interleave(groups, 1);
    values = v.repeat_interleave(groups, 1);
  }
#if TORCH_VERSION_MAJOR >= 2
  c10::optional<torch::Tensor> mask;
  if (plan.mask.defined()) mask = plan.mask;
  return at::scaled_dot_product_attention(q, keys, values, mask, 0.0,
                                          plan.isCausal && !plan.mask.defined());
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  return attendByScores(torch::matmul(q, keys.transpose(-2, -1)) * scale, plan, values);
#endif
}

}  // namespace tunebench
