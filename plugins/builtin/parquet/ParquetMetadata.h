#pragma once
// Parquet's footer (FileMetaData) and page headers as far as reading records needs them, decoded
// from Thrift compact protocol (parquet.thrift in apache/parquet-format). Unknown fields are
// skipped; values out of their range throw tunebench::Error naming the field.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tunebench::parquet {

enum class PhysicalType {
  Boolean = 0,
  Int32 = 1,
  Int64 = 2,
  Int96 = 3,
  Float = 4,
  Double = 5,
  ByteArray = 6,
  FixedLenByteArray = 7
};
enum class Repetition { Required = 0, Optional = 1, Repeated = 2 };
enum class Codec {
  Uncompressed = 0,
  Snappy = 1,
  Gzip = 2,
  Lzo = 3,
  Brotli = 4,
  Lz4 = 5,
  Zstd = 6,
  Lz4Raw = 7
};
enum class Encoding {
  Plain = 0,
  PlainDictionary = 2,
  Rle = 3,
  BitPacked = 4,
  DeltaBinaryPacked = 5,
  DeltaLengthByteArray = 6,
  DeltaByteArray = 7,
  RleDictionary = 8,
  ByteStreamSplit = 9
};
enum class PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

// ConvertedType values the reader acts on (parquet.thrift's numbering).
namespace converted {
constexpr int kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3, kEnum = 4, kDecimal = 5,
              kUint8 = 11, kUint16 = 12, kUint32 = 13, kUint64 = 14, kJson = 19;
}
// LogicalType union members the reader acts on (the field ids of parquet.thrift's LogicalType).
enum class LogicalKind {
  None = 0,
  String = 1,
  Map = 2,
  List = 3,
  Enum = 4,
  Decimal = 5,
  Integer = 10,
  Json = 12,
  Uuid = 14,
  Other = 100
};

struct SchemaElement {
  std::string name;
  std::optional<PhysicalType> type;  // absent for groups
  int32_t typeLength = 0;
  Repetition repetition = Repetition::Required;
  bool hasRepetition = false;
  int32_t numChildren = 0;
  std::optional<int32_t> convertedType;
  int32_t scale = 0;
  LogicalKind logical = LogicalKind::None;
  int32_t logicalScale = 0;   // DECIMAL
  bool logicalSigned = true;  // INTEGER
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::Boolean;
  std::vector<std::string> path;
  int32_t codec = 0;  // a Codec value; kept raw so that an unknown codec is named in the error
  int64_t numValues = 0;
  int64_t totalCompressedSize = 0;
  int64_t dataPageOffset = 0;
  std::optional<int64_t> dictionaryPageOffset;
};

struct ColumnChunk {
  bool hasFilePath = false;  // the chunk lives in another file
  std::optional<ColumnMetaData> meta;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t numRows = 0;
};

struct FileMetaData {
  std::vector<SchemaElement> schema;
  int64_t numRows = 0;
  std::vector<RowGroup> rowGroups;
};

struct DataPageHeader {
  int32_t numValues = 0;
  int32_t encoding = 0;
  int32_t definitionLevelEncoding = 0;
  int32_t repetitionLevelEncoding = 0;
};

struct DataPageHeaderV2 {
  int32_t numValues = 0;
  int32_t numNulls = 0;
  int32_t numRows = 0;
  int32_t encoding = 0;
  int32_t definitionLevelsByteLength = 0;
  int32_t repetitionLevelsByteLength = 0;
  bool isCompressed = true;
};

struct DictionaryPageHeader {
  int32_t numValues = 0;
  int32_t encoding = 0;
};

struct PageHeader {
  int32_t type = 0;  // a PageType value
  int32_t uncompressedPageSize = 0;
  int32_t compressedPageSize = 0;
  std::optional<DataPageHeader> dataPage;
  std::optional<DataPageHeaderV2> dataPageV2;
  std::optional<DictionaryPageHeader> dictionaryPage;
};

// Decodes the footer's FileMetaData (the bytes between the data and the footer length).
FileMetaData parseFileMetaData(const uint8_t* data, size_t size);

// Decodes the page header at the start of `data`; `headerBytes` receives its length.
PageHeader parsePageHeader(const uint8_t* data, size_t size, size_t& headerBytes);

std::string physicalTypeName(PhysicalType type);
std::string codecName(int32_t codec);
std::string encodingName(int32_t encoding);

}  // namespace tunebench::parquet
