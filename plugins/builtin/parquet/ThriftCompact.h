#pragma once
// A reader of Thrift's compact protocol, the encoding of Parquet's footer and page headers: field
// headers, zigzag varints, binary, lists, and skipping fields of any type. Bounded: it never reads
// past its buffer, nests at most kMaxDepth structs or containers and refuses container sizes the
// remaining bytes cannot hold. Problems throw tunebench::Error saying what is wrong and where.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tunebench::parquet {

// Compact protocol type ids (the low nibble of a field header, a list's element type).
enum class ThriftType : uint8_t {
  Stop = 0,
  BoolTrue = 1,
  BoolFalse = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
};

struct ThriftField {
  int16_t id = 0;
  ThriftType type = ThriftType::Stop;
};

struct ThriftList {
  uint32_t size = 0;
  ThriftType elementType = ThriftType::Stop;
};

class ThriftCompactReader {
 public:
  static constexpr int kMaxDepth = 64;

  ThriftCompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // Struct framing: call beginStruct before the first field, then nextField until it returns
  // false (the stop field), then endStruct. Each field's value must be read or skipped.
  void beginStruct();
  bool nextField(ThriftField& field);
  void endStruct();

  bool readBool(const ThriftField& field);  // a bool field's value lives in its header
  int32_t readI32();
  int64_t readI64();
  // Binary or string of at most maxBytes (and never more than what is left).
  std::string readBinary(size_t maxBytes);
  // A list or set header; the caller reads `size` elements, then calls endList.
  ThriftList beginList();
  void endList() { --depth_; }
  bool readListBool();  // a bool element of a list: one byte

  // Skips one value of the given type, nested values included.
  void skip(ThriftType type);

  size_t position() const { return position_; }

 private:
  uint8_t readByte();
  uint64_t readVarint();
  void enter();
  void checkElements(uint64_t count, ThriftType type) const;

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  int depth_ = 0;
  int16_t lastFieldId_ = 0;
  // Field ids of the structs being read, so that a nested struct restores its parent's.
  int16_t fieldIdStack_[kMaxDepth + 1] = {};
};

// Reads an i32 that holds an enum, a size or a count; throws naming `what` when it is negative.
int32_t readNonNegativeI32(ThriftCompactReader& reader, const char* what);

}  // namespace tunebench::parquet
