#pragma once
// GGUF version 3, the file format llama.cpp loads: a header, typed metadata key/values, a table
// of tensor infos (dimensions innermost first, as ggml orders them) and the tensor data, each
// tensor at an offset that is a multiple of general.alignment (32 unless the file says
// otherwise). GgufWriter streams the data tensor by tensor, so that a model never sits in memory
// twice; readGgufFile checks a file independently of the writer. No LibTorch here.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "export/gguf/GgufTypes.h"

namespace tunebench::gguf {

// The metadata value types, numbered as the format stores them.
enum class ValueType : uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};
const char* valueTypeName(ValueType type);

// One metadata value. Integers keep their value in `integer` (unsigned ones as their bit
// pattern), floats in `real`; an array holds elements of one type (arrays of arrays included).
struct Value {
  ValueType type = ValueType::UInt32;
  int64_t integer = 0;
  double real = 0;
  std::string text;
  ValueType elementType = ValueType::UInt8;  // arrays only
  std::vector<Value> elements;               // arrays only

  static Value uint8(uint8_t v) { return scalar(ValueType::UInt8, v); }
  static Value int8(int8_t v) { return scalar(ValueType::Int8, v); }
  static Value uint16(uint16_t v) { return scalar(ValueType::UInt16, v); }
  static Value int16(int16_t v) { return scalar(ValueType::Int16, v); }
  static Value uint32(uint32_t v) { return scalar(ValueType::UInt32, v); }
  static Value int32(int32_t v) { return scalar(ValueType::Int32, v); }
  static Value uint64(uint64_t v) { return scalar(ValueType::UInt64, static_cast<int64_t>(v)); }
  static Value int64(int64_t v) { return scalar(ValueType::Int64, v); }
  static Value boolean(bool v) { return scalar(ValueType::Bool, v ? 1 : 0); }
  static Value float32(float v);
  static Value float64(double v);
  static Value string(std::string v);
  // Throws tunebench::Error when an element's type is not elementType.
  static Value array(ValueType elementType, std::vector<Value> elements);
  static Value strings(const std::vector<std::string>& values);
  static Value float32s(const std::vector<float>& values);
  static Value int32s(const std::vector<int32_t>& values);

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  static Value scalar(ValueType type, int64_t v);
};

struct TensorInfo {
  std::string name;
  std::vector<uint64_t> dims;  // innermost first: a [rows, columns] matrix is {columns, rows}
  TensorType type = TensorType::F32;
  uint64_t offset = 0;  // from the start of the data section
  uint64_t elementCount() const;
};

// Bytes of a tensor of this type and shape; throws tunebench::Error when the innermost
// dimension is not a whole number of the type's blocks.
uint64_t tensorBytes(TensorType type, const std::vector<uint64_t>& dims);

constexpr uint32_t kGgufVersion = 3;
constexpr uint64_t kDefaultAlignment = 32;

class GgufWriter {
 public:
  // Keys keep the order they were set in; setting a key twice throws tunebench::Error.
  void set(const std::string& key, Value value);
  // The tensor's bytes come from `bytes` when the file is written; they must be exactly
  // tensorBytes(type, dims) long. Names must be unique.
  void addTensor(const std::string& name, std::vector<uint64_t> dims, TensorType type,
                 std::function<std::string()> bytes);
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  size_t metadataCount() const { return metadata_.size(); }
  // Writes the file (general.alignment, when set, must be a uint32 power of two) and returns the
  // tensor table as written (offsets set). progress(i, n) runs before tensor i; it may throw to
  // stop. Throws tunebench::Error naming the file.
  std::vector<TensorInfo> write(
      const std::string& path,
      const std::function<void(size_t done, size_t total)>& progress = {}) const;

 private:
  uint64_t alignment() const;
  std::vector<std::pair<std::string, Value>> metadata_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::function<std::string()>> sources_;
};

struct GgufContents {
  uint32_t version = 0;
  std::vector<std::pair<std::string, Value>> metadata;
  std::vector<TensorInfo> tensors;
  uint64_t alignment = kDefaultAlignment;
  uint64_t dataOffset = 0;  // where the data section starts in the file
  uint64_t fileSize = 0;
  const Value* find(const std::string& key) const;
  const TensorInfo* tensor(const std::string& name) const;
};

// Reads and checks the header, metadata and tensor table of a GGUF file: magic, version 3,
// known value and tensor types, lengths within the file, unique keys and names, offsets aligned,
// each tensor's bytes inside the file and not overlapping another's. Throws tunebench::Error
// naming the file and what is wrong.
GgufContents readGgufFile(const std::string& path);

// The bytes of one tensor of a file read by readGgufFile.
std::string readGgufTensorBytes(const std::string& path, const GgufContents& contents,
                                const TensorInfo& tensor);

}  // namespace tunebench::gguf
