#include "builtin/parquet/ParquetValues.h"

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench::parquet {

namespace {

bool hasConverted(const SchemaElement& e, int type) {
  return e.convertedType && *e.convertedType == type;
}

// An integer scaled by 10^-scale, written exactly.
std::string decimalText(__int128 unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(-(unscaled + 1)) + 1 : unscaled;
  std::string digits;
  do {
    digits.insert(digits.begin(), char('0' + int(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale))
      digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

// A big-endian two's complement integer of up to 16 bytes.
__int128 bigEndianSigned(std::string_view bytes) {
  if (bytes.size() > 16)
    throw Error("DECIMAL value of " + std::to_string(bytes.size()) +
                " bytes is wider than 16 bytes");
  if (bytes.empty()) return 0;
  unsigned __int128 value =
      (static_cast<unsigned char>(bytes[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return static_cast<__int128>(value);
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t(uint8_t(bytes[i])) << 16) |
                       (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

ValueConverter::ValueConverter(const SchemaElement& leaf) : type_(*leaf.type) {
  const bool decimal =
      leaf.logical == LogicalKind::Decimal || hasConverted(leaf, converted::kDecimal);
  scale_ = leaf.logical == LogicalKind::Decimal ? leaf.logicalScale : leaf.scale;
  if (decimal && (scale_ < 0 || scale_ > 76))
    throw Error("DECIMAL scale " + std::to_string(scale_) + " is out of range");
  switch (type_) {
    case PhysicalType::Boolean:
      kind_ = Kind::Boolean;
      break;
    case PhysicalType::Int32:
    case PhysicalType::Int64: {
      const bool unsignedType =
          (leaf.logical == LogicalKind::Integer && !leaf.logicalSigned) ||
          hasConverted(leaf, converted::kUint8) || hasConverted(leaf, converted::kUint16) ||
          hasConverted(leaf, converted::kUint32) || hasConverted(leaf, converted::kUint64);
      if (decimal)
        kind_ = Kind::Decimal;
      else if (unsignedType)
        kind_ = type_ == PhysicalType::Int32 ? Kind::Unsigned32 : Kind::Unsigned64;
      else
        kind_ = Kind::Signed;
      break;
    }
    case PhysicalType::Int96:
      throw Error("INT96 values (legacy timestamps) are not supported");
    case PhysicalType::Float:
    case PhysicalType::Double:
      kind_ = Kind::Real;
      break;
    case PhysicalType::ByteArray:
    case PhysicalType::FixedLenByteArray: {
      const bool text = leaf.logical == LogicalKind::String || leaf.logical == LogicalKind::Enum ||
                        leaf.logical == LogicalKind::Json || hasConverted(leaf, converted::kUtf8) ||
                        hasConverted(leaf, converted::kEnum) ||
                        hasConverted(leaf, converted::kJson);
      if (decimal)
        kind_ = Kind::Decimal;
      else if (text)
        kind_ = Kind::Text;
      else if (leaf.logical == LogicalKind::Uuid && type_ == PhysicalType::FixedLenByteArray &&
               leaf.typeLength == 16)
        kind_ = Kind::Uuid;
      else
        kind_ = Kind::Binary;
      break;
    }
  }
}

nlohmann::json ValueConverter::convert(const RawValue& value) const {
  switch (kind_) {
    case Kind::Boolean:
      return value.integer != 0;
    case Kind::Signed:
      return value.integer;
    case Kind::Unsigned32:
      return static_cast<uint64_t>(static_cast<uint32_t>(value.integer));
    case Kind::Unsigned64:
      return static_cast<uint64_t>(value.integer);
    case Kind::Real:
      return value.real;
    case Kind::Text: {
      const size_t invalid = findInvalidUtf8(value.bytes);
      if (invalid != std::string_view::npos)
        throw Error("invalid UTF-8 at byte " + std::to_string(invalid) + " of a " +
                    std::to_string(value.bytes.size()) + "-byte string");
      return std::string(value.bytes);
    }
    case Kind::Binary:
      return base64Encode(value.bytes);
    case Kind::Uuid: {
      static const char hex[] = "0123456789abcdef";
      std::string text;
      for (size_t i = 0; i < value.bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
        text += hex[uint8_t(value.bytes[i]) >> 4];
        text += hex[uint8_t(value.bytes[i]) & 15];
      }
      return text;
    }
    case Kind::Decimal:
      if (type_ == PhysicalType::Int32 || type_ == PhysicalType::Int64)
        return decimalText(value.integer, scale_);
      return decimalText(bigEndianSigned(value.bytes), scale_);
  }
  return nullptr;
}

}  // namespace tunebench::parquet
