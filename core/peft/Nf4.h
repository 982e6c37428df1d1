#pragma once
// 4-bit NormalFloat (NF4) storage of frozen weights, as QLoRA defines it: the weight is cut into
// blocks of 64 elements, each block is divided by its absolute maximum and every element is
// rounded to the nearest of 16 code values (quantiles of N(0, 1) scaled to [-1, 1], with an
// exact zero). Double quantisation then stores the blocks' fp32 absmax scales as 8-bit codes:
// their mean is subtracted and each group of 256 centred scales keeps one fp32 scale.
#include <array>
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace tunebench {

constexpr int64_t kNf4BlockSize = 64;
constexpr int64_t kNf4ScaleGroupSize = 256;

// The 16 NF4 code values in ascending order (code i decodes to nf4CodeValues()[i]).
const std::array<float, 16>& nf4CodeValues();

// Half the widest gap between neighbouring codes: the largest rounding error of an element,
// relative to its block's absmax.
float nf4MaxRoundingError();

struct Nf4Tensor {
  std::vector<int64_t> shape;  // of the original weight
  int64_t count = 0;           // its element count (blocks are padded with zeros beyond it)
  torch::Tensor packedCodes;   // uint8 [blocks · 32]: element 2i in the low nibble, 2i+1 high
  torch::Tensor scaleCodes;    // int8 [blocks]: (absmax − scaleMean) / groupScale · 127, rounded
  torch::Tensor groupScales;  // fp32 [⌈blocks / 256⌉]: largest |absmax − scaleMean| of a group
  float scaleMean = 0.0f;

  int64_t blocks() const { return scaleCodes.defined() ? scaleCodes.numel() : 0; }
  // Bytes of the quantised form (codes, scale codes, group scales and the mean).
  int64_t bytes() const;
};

// Quantises a floating-point weight of any shape (flattened in row-major order). Throws
// tunebench::Error for an empty weight, a non-floating dtype or non-finite values.
Nf4Tensor quantizeNf4(const torch::Tensor& weight);

// The block scales as stored after double quantisation, fp32 [blocks].
torch::Tensor dequantizeNf4Scales(const Nf4Tensor& quantized);

// The weight the quantised form stands for, in its original shape and the given dtype.
torch::Tensor dequantizeNf4(const Nf4Tensor& quantized, torch::ScalarType dtype = torch::kFloat32);

// The same values in a buffer that the calling thread reuses: the result is only valid until
// the thread's next call, so it must not be kept or returned to autograd. QLoRA's forward and
// backward use it for the weight they need for one product, so that a training step does not
// allocate (and fragment the heap with) a full-precision weight per layer.
torch::Tensor dequantizeNf4Transient(const Nf4Tensor& quantized,
                                     torch::ScalarType dtype = torch::kFloat32);

}  // namespace tunebench
