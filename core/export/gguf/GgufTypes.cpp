#include "export/gguf/GgufTypes.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/Error.h"

namespace tunebench::gguf {

namespace {

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bitsFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void putHalf(uint8_t* out, uint16_t bits) {
  out[0] = static_cast<uint8_t>(bits & 0xff);
  out[1] = static_cast<uint8_t>(bits >> 8);
}

uint16_t getHalf(const uint8_t* in) {
  return static_cast<uint16_t>(in[0] | (in[1] << 8));
}

}  // namespace

const char* tensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::F32:
      return "f32";
    case TensorType::F16:
      return "f16";
    case TensorType::Q4_0:
      return "q4_0";
    case TensorType::Q8_0:
      return "q8_0";
    case TensorType::BF16:
      return "bf16";
  }
  return "?";
}

bool parseTensorType(const std::string& name, TensorType& type) {
  for (const auto candidate :
       {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0}) {
    if (name == tensorTypeName(candidate)) {
      type = candidate;
      return true;
    }
  }
  return false;
}

bool isKnownTensorType(uint32_t number) {
  return number == 0 || number == 1 || number == 2 || number == 8 || number == 30;
}

size_t blockValues(TensorType type) {
  return type == TensorType::Q8_0 || type == TensorType::Q4_0 ? kQuantBlock : 1;
}

size_t blockBytes(TensorType type) {
  switch (type) {
    case TensorType::F32:
      return 4;
    case TensorType::F16:
    case TensorType::BF16:
      return 2;
    case TensorType::Q8_0:
      return 2 + kQuantBlock;
    case TensorType::Q4_0:
      return 2 + kQuantBlock / 2;
  }
  return 0;
}

uint16_t floatToHalf(float value) {
  const uint32_t bits = floatBits(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) return sign | 0x7e00;  // NaN
  // 65520 and above round to infinity (65504 is the largest half; the tie goes to even).
  if (magnitude >= 0x477ff000) return sign | 0x7c00;
  if (magnitude < 0x38800000) {
    // Below 2^-14 a half is subnormal: a multiple of 2^-24, rounded to nearest even.
    const float scaled = std::fabs(value) * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  const uint32_t exponent = (magnitude >> 23) - 127 + 15;
  const uint32_t mantissa = magnitude & 0x7fffff;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  const uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;  // a carry raises the exponent
  return sign | static_cast<uint16_t>(half);
}

float halfToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) / 16777216.0f;
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return bitsFloat(sign | 0x7f800000 | (mantissa << 13));
  return bitsFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
}

uint16_t floatToBf16(float value) {
  const uint32_t bits = floatBits(value);
  if ((bits & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((bits >> 16) | 0x40);
  return static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

float bf16ToFloat(uint16_t bits) {
  return bitsFloat(static_cast<uint32_t>(bits) << 16);
}

void quantizeQ8_0Block(const float* values, uint8_t* out) {
  float largest = 0;
  for (size_t j = 0; j < kQuantBlock; ++j) largest = std::max(largest, std::fabs(values[j]));
  const float d = largest / 127.0f;
  const float inverse = d != 0 ? 1.0f / d : 0.0f;
  putHalf(out, floatToHalf(d));
  for (size_t j = 0; j < kQuantBlock; ++j) {
    // roundf: halves away from zero, as ggml's reference does.
    const auto q = static_cast<int8_t>(std::round(values[j] * inverse));
    std::memcpy(out + 2 + j, &q, 1);
  }
}

void quantizeQ4_0Block(const float* values, uint8_t* out) {
  float largest = 0;
  float signedLargest = 0;
  for (size_t j = 0; j < kQuantBlock; ++j) {
    if (largest < std::fabs(values[j])) {
      largest = std::fabs(values[j]);
      signedLargest = values[j];
    }
  }
  // The value of largest magnitude maps to code 0 exactly; its opposite would be 16, clamped.
  const float d = signedLargest / -8.0f;
  const float inverse = d != 0 ? 1.0f / d : 0.0f;
  putHalf(out, floatToHalf(d));
  const size_t half = kQuantBlock / 2;
  for (size_t j = 0; j < half; ++j) {
    // x / d lies in [-8, 8]: adding 8.5 and truncating rounds to the nearest code.
    const int low = std::min(15, static_cast<int>(values[j] * inverse + 8.5f));
    const int high = std::min(15, static_cast<int>(values[half + j] * inverse + 8.5f));
    out[2 + j] = static_cast<uint8_t>(low | (high << 4));
  }
}

void dequantizeQ8_0Block(const uint8_t* block, float* values) {
  const float d = halfToFloat(getHalf(block));
  for (size_t j = 0; j < kQuantBlock; ++j) {
    int8_t q;
    std::memcpy(&q, block + 2 + j, 1);
    values[j] = d * static_cast<float>(q);
  }
}

void dequantizeQ4_0Block(const uint8_t* block, float* values) {
  const float d = halfToFloat(getHalf(block));
  const size_t half = kQuantBlock / 2;
  for (size_t j = 0; j < half; ++j) {
    values[j] = d * static_cast<float>((block[2 + j] & 0x0f) - 8);
    values[half + j] = d * static_cast<float>((block[2 + j] >> 4) - 8);
  }
}

std::string encodeValues(TensorType type, const float* values, size_t count) {
  const size_t perBlock = blockValues(type);
  if (count % perBlock != 0)
    throw Error(std::to_string(count) + " values are not whole " + tensorTypeName(type) +
                " blocks of " + std::to_string(perBlock));
  std::string bytes(count / perBlock * blockBytes(type), '\0');
  auto* out = reinterpret_cast<uint8_t*>(bytes.data());
  switch (type) {
    case TensorType::F32:
      std::memcpy(out, values, count * 4);  // the format is little endian, as is this host
      break;
    case TensorType::F16:
      for (size_t i = 0; i < count; ++i) putHalf(out + 2 * i, floatToHalf(values[i]));
      break;
    case TensorType::BF16:
      for (size_t i = 0; i < count; ++i) putHalf(out + 2 * i, floatToBf16(values[i]));
      break;
    case TensorType::Q8_0:
      for (size_t b = 0; b < count / perBlock; ++b)
        quantizeQ8_0Block(values + b * perBlock, out + b * blockBytes(type));
      break;
    case TensorType::Q4_0:
      for (size_t b = 0; b < count / perBlock; ++b)
        quantizeQ4_0Block(values + b * perBlock, out + b * blockBytes(type));
      break;
  }
  return bytes;
}

void decodeValues(TensorType type, const std::string& bytes, float* values) {
  const auto* in = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t blocks = bytes.size() / blockBytes(type);
  if (blocks * blockBytes(type) != bytes.size())
    throw Error(std::to_string(bytes.size()) + " bytes are not whole " + tensorTypeName(type) +
                " blocks");
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* block = in + b * blockBytes(type);
    switch (type) {
      case TensorType::F32:
        std::memcpy(values + b, block, 4);
        break;
      case TensorType::F16:
        values[b] = halfToFloat(getHalf(block));
        break;
      case TensorType::BF16:
        values[b] = bf16ToFloat(getHalf(block));
        break;
      case TensorType::Q8_0:
        dequantizeQ8_0Block(block, values + b * kQuantBlock);
        break;
      case TensorType::Q4_0:
        dequantizeQ4_0Block(block, values + b * kQuantBlock);
        break;
    }
  }
}

}  // namespace tunebench::gguf
