#include "builtin/parquet/ThriftCompact.h"

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

int64_t zigzag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

bool isKnownType(uint8_t type) {
  return type <= static_cast<uint8_t>(ThriftType::Struct);
}

// The fewest bytes one element of a type takes, to refuse counts the buffer cannot hold.
size_t minimumElementBytes(ThriftType type) {
  switch (type) {
    case ThriftType::Double:
      return 8;
    default:
      return 1;
  }
}

}  // namespace

uint8_t ThriftCompactReader::readByte() {
  if (position_ >= size_) throw Error("Thrift data cut short at byte " + std::to_string(position_));
  return data_[position_++];
}

uint64_t ThriftCompactReader::readVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t byte = readByte();
    if (shift == 63 && (byte & 0x7E))
      throw Error("Thrift varint too long at byte " + std::to_string(position_));
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return value;
  }
  throw Error("Thrift varint too long at byte " + std::to_string(position_));
}

void ThriftCompactReader::enter() {
  if (++depth_ > kMaxDepth)
    throw Error("Thrift data nested deeper than " + std::to_string(kMaxDepth) + " levels");
}

void ThriftCompactReader::beginStruct() {
  enter();
  fieldIdStack_[depth_ - 1] = lastFieldId_;
  lastFieldId_ = 0;
}

void ThriftCompactReader::endStruct() {
  lastFieldId_ = fieldIdStack_[depth_ - 1];
  --depth_;
}

bool ThriftCompactReader::nextField(ThriftField& field) {
  const uint8_t header = readByte();
  const uint8_t type = header & 0x0F;
  if (type == 0) return false;
  if (!isKnownType(type) || type == static_cast<uint8_t>(ThriftType::Stop))
    throw Error("unknown Thrift field type " + std::to_string(type) + " at byte " +
                std::to_string(position_ - 1));
  const uint8_t delta = header >> 4;
  int64_t id = delta ? lastFieldId_ + delta : zigzag(readVarint());
  if (id < INT16_MIN || id > INT16_MAX)
    throw Error("Thrift field id out of range at byte " + std::to_string(position_));
  lastFieldId_ = static_cast<int16_t>(id);
  field.id = lastFieldId_;
  field.type = static_cast<ThriftType>(type);
  return true;
}

bool ThriftCompactReader::readBool(const ThriftField& field) {
  if (field.type == ThriftType::BoolTrue) return true;
  if (field.type == ThriftType::BoolFalse) return false;
  throw Error("Thrift field " + std::to_string(field.id) + " is not a bool");
}

int32_t ThriftCompactReader::readI32() {
  const int64_t value = zigzag(readVarint());
  if (value < INT32_MIN || value > INT32_MAX)
    throw Error("Thrift i32 out of range at byte " + std::to_string(position_));
  return static_cast<int32_t>(value);
}

int64_t ThriftCompactReader::readI64() {
  return zigzag(readVarint());
}

std::string ThriftCompactReader::readBinary(size_t maxBytes) {
  const uint64_t length = readVarint();
  if (length > size_ - position_)
    throw Error("Thrift binary of " + std::to_string(length) + " bytes runs past the end");
  if (length > maxBytes)
    throw Error("Thrift binary of " + std::to_string(length) + " bytes exceeds the limit of " +
                std::to_string(maxBytes));
  std::string value(reinterpret_cast<const char*>(data_ + position_), length);
  position_ += length;
  return value;
}

void ThriftCompactReader::checkElements(uint64_t count, ThriftType type) const {
  if (count > (size_ - position_) / minimumElementBytes(type))
    throw Error("Thrift container of " + std::to_string(count) +
                " elements is larger than the data holding it");
}

ThriftList ThriftCompactReader::beginList() {
  const uint8_t header = readByte();
  const uint8_t type = header & 0x0F;
  if (!isKnownType(type) || type == 0)
    throw Error("unknown Thrift list element type " + std::to_string(type));
  uint64_t size = header >> 4;
  if (size == 15) size = readVarint();
  ThriftList list;
  list.elementType = static_cast<ThriftType>(type);
  checkElements(size, list.elementType);
  list.size = static_cast<uint32_t>(size);
  enter();
  return list;
}

bool ThriftCompactReader::readListBool() {
  const uint8_t byte = readByte();
  if (byte > 2) throw Error("Thrift bool element has value " + std::to_string(byte));
  return byte == 1;
}

void ThriftCompactReader::skip(ThriftType type) {
  switch (type) {
    case ThriftType::BoolTrue:
    case ThriftType::BoolFalse:
      return;  // a bool field's value is in its header
    case ThriftType::Byte:
      readByte();
      return;
    case ThriftType::I16:
    case ThriftType::I32:
    case ThriftType::I64:
      readVarint();
      return;
    case ThriftType::Double:
      if (size_ - position_ < 8) throw Error("Thrift double cut short");
      position_ += 8;
      return;
    case ThriftType::Binary: {
      const uint64_t length = readVarint();
      if (length > size_ - position_)
        throw Error("Thrift binary of " + std::to_string(length) + " bytes runs past the end");
      position_ += length;
      return;
    }
    case ThriftType::List:
    case ThriftType::Set: {
      const ThriftList list = beginList();
      for (uint32_t i = 0; i < list.size; ++i) {
        // In a list a bool takes a byte of its own.
        if (list.elementType == ThriftType::BoolTrue || list.elementType == ThriftType::BoolFalse)
          readByte();
        else
          skip(list.elementType);
      }
      endList();
      return;
    }
    case ThriftType::Map: {
      const uint64_t size = readVarint();
      if (size == 0) return;
      const uint8_t types = readByte();
      const uint8_t keyType = types >> 4;
      const uint8_t valueType = types & 0x0F;
      if (!isKnownType(keyType) || !isKnownType(valueType) || keyType == 0 || valueType == 0)
        throw Error("unknown Thrift map types at byte " + std::to_string(position_));
      checkElements(size, ThriftType::Byte);
      enter();
      for (uint64_t i = 0; i < size; ++i) {
        for (uint8_t t : {keyType, valueType}) {
          const auto elementType = static_cast<ThriftType>(t);
          if (elementType == ThriftType::BoolTrue || elementType == ThriftType::BoolFalse)
            readByte();
          else
            skip(elementType);
        }
      }
      --depth_;
      return;
    }
    case ThriftType::Struct: {
      beginStruct();
      ThriftField field;
      while (nextField(field)) skip(field.type);
      endStruct();
      return;
    }
    case ThriftType::Stop:
      break;
  }
  throw Error("cannot skip Thrift type " + std::to_string(static_cast<int>(type)));
}

int32_t readNonNegativeI32(ThriftCompactReader& reader, const char* what) {
  const int32_t value = reader.readI32();
  if (value < 0) throw Error(std::string(what) + " is negative (" + std::to_string(value) + ")");
  return value;
}

}  // namespace tunebench::parquet
