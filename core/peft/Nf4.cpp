#include "peft/Nf4.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <sstream>

#include "common/Error.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace {

constexpr int64_t kScaleCodeMax = 127;

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// Decision boundaries between neighbouring codes: rounding to the nearest code is a bucketize.
const torch::Tensor& codeMidpoints() {
  static const torch::Tensor midpoints = [] {
    const auto& codes = nf4CodeValues();
    std::vector<float> values;
    for (size_t i = 0; i + 1 < codes.size(); ++i)
      values.push_back(0.5f * (codes[i] + codes[i + 1]));
    return torch::tensor(values, torch::kFloat32);
  }();
  return midpoints;
}

// Both decoded values of every possible packed byte, [256, 2]: dequantisation is then one gather
// per byte instead of unpacking nibbles.
const torch::Tensor& bytePairTable() {
  static const torch::Tensor table = [] {
    const auto& codes = nf4CodeValues();
    std::vector<float> values;
    for (int byte = 0; byte < 256; ++byte) {
      values.push_back(codes[byte & 15]);
      values.push_back(codes[byte >> 4]);
    }
    return torch::tensor(values, torch::kFloat32).view({256, 2});
  }();
  return table;
}

}  // namespace

const std::array<float, 16>& nf4CodeValues() {
  // QLoRA (Dettmers et al., 2023, appendix E): quantiles of N(0, 1) for an asymmetric split
  // (8 positive, 7 negative values and zero), each side normalised to [-1, 1].
  static const std::array<float, 16> codes = {-1.0f,
                                              -0.6961928009986877f,
                                              -0.5250730514526367f,
                                              -0.39491748809814453f,
                                              -0.28444138169288635f,
                                              -0.18477343022823334f,
                                              -0.09105003625154495f,
                                              0.0f,
                                              0.07958029955625534f,
                                              0.16093020141124725f,
                                              0.24611230194568634f,
                                              0.33791524171829224f,
                                              0.44070982933044434f,
                                              0.5626170039176941f,
                                              0.7229568362236023f,
                                              1.0f};
  return codes;
}

float nf4MaxRoundingError() {
  const auto& codes = nf4CodeValues();
  float widest = 0.0f;
  for (size_t i = 0; i + 1 < codes.size(); ++i) widest = std::max(widest, codes[i + 1] - codes[i]);
  return 0.5f * widest;
}

int64_t Nf4Tensor::bytes() const {
  int64_t total = static_cast<int64_t>(sizeof(scaleMean));
  for (const auto* tensor : {&packedCodes, &scaleCodes, &groupScales})
    if (tensor->defined()) total += tensor->numel() * static_cast<int64_t>(tensor->element_size());
  return total;
}

Nf4Tensor quantizeNf4(const torch::Tensor& weight) {
  if (!weight.defined() || weight.numel() == 0)
    throw Error("NF4 quantisation needs a non-empty weight");
  if (!weight.is_floating_point()) {
    std::ostringstream text;
    text << "NF4 quantisation needs a floating-point weight (got " << weight.scalar_type() << ")";
    throw Error(text.str());
  }
  torch::NoGradGuard noGrad;
  const auto flat = weight.detach().to(torch::kFloat32).contiguous().view(-1);
  if (!torch::isfinite(flat).all().item<bool>())
    throw Error("NF4 quantisation: the weight holds NaN or infinite values");

  Nf4Tensor quantized;
  quantized.shape = weight.sizes().vec();
  quantized.count = flat.numel();
  const int64_t padded = roundUp(quantized.count, kNf4BlockSize);
  const auto blocks =
      torch::constant_pad_nd(flat, {0, padded - quantized.count}, 0).view({-1, kNf4BlockSize});
  const auto absmax = blocks.abs().amax(1);
  // A zero block divides by FLT_MIN and stays zero; a subnormal absmax stays within [-1, 1].
  const auto normalised = blocks / absmax.clamp_min(FLT_MIN).unsqueeze(1);
  const auto codes =
      torch::bucketize(normalised, codeMidpoints(), /*out_int32=*/true).view({-1, 2});
  quantized.packedCodes = (codes.select(1, 0) + codes.select(1, 1) * 16).to(torch::kUInt8);

  // Double quantisation of the absmax scales.
  const int64_t blockCount = absmax.numel();
  quantized.scaleMean = absmax.mean().item<float>();
  const auto centred = absmax - quantized.scaleMean;
  const auto groups =
      torch::constant_pad_nd(centred, {0, roundUp(blockCount, kNf4ScaleGroupSize) - blockCount}, 0)
          .view({-1, kNf4ScaleGroupSize});
  quantized.groupScales = groups.abs().amax(1).contiguous();
  const auto scaled = groups / quantized.groupScales.clamp_min(FLT_MIN).unsqueeze(1) *
                      static_cast<double>(kScaleCodeMax);
  quantized.scaleCodes = scaled.round()
                             .clamp(-kScaleCodeMax, kScaleCodeMax)
                             .view(-1)
                             .narrow(0, 0, blockCount)
                             .to(torch::kInt8)
                             .contiguous();
  return quantized;
}

torch::Tensor dequantizeNf4Scales(const Nf4Tensor& quantized) {
  const int64_t blockCount = quantized.blocks();
  const int64_t groupCount = quantized.groupScales.numel();
  const auto codes = torch::constant_pad_nd(quantized.scaleCodes.to(torch::kFloat32),
                                            {0, groupCount * kNf4ScaleGroupSize - blockCount}, 0)
                         .view({groupCount, kNf4ScaleGroupSize});
  const auto centred =
      codes * (quantized.groupScales / static_cast<float>(kScaleCodeMax)).unsqueeze(1);
  // An absmax is never negative; clamping can only bring a reconstructed one closer.
  return (centred.view(-1).narrow(0, 0, blockCount) + quantized.scaleMean).clamp_min(0.0);
}

namespace {

void checkDequantisable(const Nf4Tensor& quantized) {
  if (!quantized.packedCodes.defined()) throw Error("dequantising an empty NF4 tensor");
}

// One pass over the packed codes on the CPU: every block's scale is rebuilt from its code
// with the same float operations as dequantizeNf4Scales, and each byte gives two elements.
// Writes the first `quantized.count` elements of `out`, which must hold that many floats.
void dequantizeNf4OnCpu(const Nf4Tensor& quantized, float* out) {
  const auto codes = quantized.packedCodes.contiguous();
  const auto scaleCodes = quantized.scaleCodes.contiguous();
  const auto groupScales = quantized.groupScales.contiguous();
  const uint8_t* packed = codes.data_ptr<uint8_t>();
  const int8_t* scaleCode = scaleCodes.data_ptr<int8_t>();
  const float* groupScale = groupScales.data_ptr<float>();
  const float scaleMean = quantized.scaleMean;
  const int64_t count = quantized.count;
  const auto& values = nf4CodeValues();
  constexpr int64_t kBytesPerBlock = kNf4BlockSize / 2;
  at::parallel_for(0, quantized.blocks(), 64, [&](int64_t first, int64_t last) {
    for (int64_t block = first; block < last; ++block) {
      const float step = groupScale[block / kNf4ScaleGroupSize] / static_cast<float>(kScaleCodeMax);
      const float scale = std::max(static_cast<float>(scaleCode[block]) * step + scaleMean, 0.0f);
      const int64_t begin = block * kNf4BlockSize;
      const uint8_t* bytes = packed + block * kBytesPerBlock;
      if (begin + kNf4BlockSize <= count) {
        float* target = out + begin;
        for (int64_t i = 0; i < kBytesPerBlock; ++i) {
          target[2 * i] = values[bytes[i] & 15] * scale;
          target[2 * i + 1] = values[bytes[i] >> 4] * scale;
        }
      } else {  // the last, padded block
        for (int64_t element = begin; element < count; ++element) {
          const uint8_t byte = bytes[(element - begin) / 2];
          out[element] = values[(element - begin) % 2 == 0 ? byte & 15 : byte >> 4] * scale;
        }
      }
    }
  });
}

bool dequantisesOnCpu(const Nf4Tensor& quantized) {
  return quantized.packedCodes.device().is_cpu() && quantized.scaleCodes.device().is_cpu() &&
         quantized.groupScales.device().is_cpu();
}

}  // namespace

torch::Tensor dequantizeNf4(const Nf4Tensor& quantized, torch::ScalarType dtype) {
  checkDequantisable(quantized);
  torch::NoGradGuard noGrad;
  if (dequantisesOnCpu(quantized)) {
    auto weight = torch::empty(quantized.shape, torch::kFloat32);
    dequantizeNf4OnCpu(quantized, weight.data_ptr<float>());
    return weight.to(dtype);
  }
  const auto table = bytePairTable().to(quantized.packedCodes.device());
  const auto values =
      table.index_select(0, quantized.packedCodes.to(torch::kInt32)).view({-1, kNf4BlockSize});
  const auto scales = dequantizeNf4Scales(quantized).to(values.device());
  return (values * scales.unsqueeze(1))
      .view(-1)
      .narrow(0, 0, quantized.count)
      .view(quantized.shape)
      .to(dtype);
}

torch::Tensor dequantizeNf4Transient(const Nf4Tensor& quantized, torch::ScalarType dtype) {
  checkDequantisable(quantized);
  if (dtype != torch::kFloat32 || !dequantisesOnCpu(quantized))
    return dequantizeNf4(quantized, dtype);
  torch::NoGradGuard noGrad;
  // One buffer per thread, grown to the largest weight seen: layers run one after another.
  thread_local torch::Tensor scratch;
  if (!scratch.defined() || scratch.numel() < quantized.count)
    scratch = torch::empty({quantized.count}, torch::kFloat32);
  dequantizeNf4OnCpu(quantized, scratch.data_ptr<float>());
  return scratch.narrow(0, 0, quantized.count).view(quantized.shape);
}

}  // namespace tunebench
