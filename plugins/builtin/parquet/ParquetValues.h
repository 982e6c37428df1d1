#pragma once
// One stored value as JSON, by the column's physical and logical type:
// - BOOLEAN: true/false; INT32/INT64: integers (UINT_* / unsigned INTEGER read unsigned);
//   FLOAT/DOUBLE: numbers; DECIMAL (INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY up to 16
//   bytes): the exact decimal as a string ("12.50"). Dates and timestamps stay the integers
//   stored (days, or units since the epoch).
// - BYTE_ARRAY annotated STRING/UTF8, ENUM or JSON: the text, which must be valid UTF-8.
// - UUID: the canonical text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
// - Other BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values (binary): base64 (RFC 4648, padded).
// - INT96 (legacy timestamps) is refused.
#include <nlohmann/json.hpp>

#include "builtin/parquet/ParquetEncodings.h"
#include "builtin/parquet/ParquetMetadata.h"

namespace tunebench::parquet {

class ValueConverter {
 public:
  // Throws Error when the column's type cannot be read (INT96).
  explicit ValueConverter(const SchemaElement& leaf);
  // Throws Error for text that is not UTF-8 or a decimal wider than 16 bytes.
  nlohmann::json convert(const RawValue& value) const;

 private:
  enum class Kind { Boolean, Signed, Unsigned32, Unsigned64, Real, Text, Binary, Uuid, Decimal };
  Kind kind_ = Kind::Signed;
  PhysicalType type_;
  int32_t scale_ = 0;
};

std::string base64Encode(std::string_view bytes);

}  // namespace tunebench::parquet
