#pragma once
// The ggml tensor types a GGUF export writes and their encodings: F32, F16 (IEEE half), BF16,
// and the block quantisations Q8_0 (32 values: an fp16 scale d = max|x| / 127 and 32 int8
// round(x / d)) and Q4_0 (32 values: an fp16 scale d = m / -8, m the value of largest magnitude,
// and 32 4-bit codes x / d + 8, the first 16 values in the low nibbles). The rounding follows
// ggml's reference quantisers, so that llama.cpp reads back what it would have written itself.
// No LibTorch here.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tunebench::gguf {

// ggml_type numbers as GGUF stores them.
enum class TensorType : uint32_t { F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, BF16 = 30 };

const char* tensorTypeName(TensorType type);  // "f32", "f16", "q4_0", "q8_0", "bf16"
// Accepts the names above; false for anything else.
bool parseTensorType(const std::string& name, TensorType& type);
// False for a number that is not one of the types above.
bool isKnownTensorType(uint32_t number);

size_t blockValues(TensorType type);  // 1 for the plain types, 32 for Q8_0 and Q4_0
size_t blockBytes(TensorType type);   // 4, 2, 2, 34, 18

uint16_t floatToHalf(float value);  // round to nearest even; overflow gives infinity
float halfToFloat(uint16_t bits);
uint16_t floatToBf16(float value);  // round to nearest even; NaN stays a quiet NaN
float bf16ToFloat(uint16_t bits);

constexpr size_t kQuantBlock = 32;
// One block of 32 values each; `out` receives blockBytes(type) bytes (little endian).
void quantizeQ8_0Block(const float* values, uint8_t* out);
void quantizeQ4_0Block(const float* values, uint8_t* out);
void dequantizeQ8_0Block(const uint8_t* block, float* values);
void dequantizeQ4_0Block(const uint8_t* block, float* values);

// `count` values in the type's encoding; count must be a multiple of blockValues(type).
std::string encodeValues(TensorType type, const float* values, size_t count);
// The inverse (lossy for all but F32); bytes.size() must be whole blocks.
void decodeValues(TensorType type, const std::string& bytes, float* values);

}  // namespace tunebench::gguf
