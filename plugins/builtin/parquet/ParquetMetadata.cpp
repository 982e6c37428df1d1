#include "builtin/parquet/ParquetMetadata.h"

#include "builtin/parquet/ThriftCompact.h"
#include "common/Error.h"

namespace tunebench::parquet {

namespace {

// Bounds on what a footer may declare, far above what real files hold; a footer beyond them is
// damaged or hostile, and refusing it bounds the memory its decoding takes.
constexpr uint32_t kMaxSchemaElements = 100000;
constexpr uint32_t kMaxRowGroups = 1000000;
constexpr size_t kMaxColumnChunks = 1000000;
constexpr size_t kMaxNameBytes = 1 << 16;

using Reader = ThriftCompactReader;

// Calls onField(field) for each field of a struct; onField returns false for fields it skips.
template <typename F>
void readStruct(Reader& reader, F&& onField) {
  reader.beginStruct();
  ThriftField field;
  while (reader.nextField(field))
    if (!onField(field)) reader.skip(field.type);
  reader.endStruct();
}

template <typename F>
void readList(Reader& reader, uint32_t maxSize, const char* what, F&& onElement) {
  const ThriftList list = reader.beginList();
  if (list.size > maxSize)
    throw Error(std::string(what) + " has " + std::to_string(list.size) +
                " entries, more than the limit of " + std::to_string(maxSize));
  for (uint32_t i = 0; i < list.size; ++i) onElement(list.elementType);
  reader.endList();
}

void expectType(const ThriftField& field, ThriftType type, const char* what) {
  if (field.type != type)
    throw Error(std::string(what) + " has Thrift type " +
                std::to_string(static_cast<int>(field.type)) + ", expected " +
                std::to_string(static_cast<int>(type)));
}

void expectElement(ThriftType found, ThriftType type, const char* what) {
  if (found != type) throw Error(std::string(what) + " has elements of the wrong Thrift type");
}

int32_t readI32Field(Reader& reader, const ThriftField& field, const char* what) {
  expectType(field, ThriftType::I32, what);
  return reader.readI32();
}

int64_t readI64Field(Reader& reader, const ThriftField& field, const char* what) {
  expectType(field, ThriftType::I64, what);
  return reader.readI64();
}

int64_t readNonNegativeI64Field(Reader& reader, const ThriftField& field, const char* what) {
  const int64_t value = readI64Field(reader, field, what);
  if (value < 0) throw Error(std::string(what) + " is negative (" + std::to_string(value) + ")");
  return value;
}

int32_t readNonNegativeI32Field(Reader& reader, const ThriftField& field, const char* what) {
  expectType(field, ThriftType::I32, what);
  return readNonNegativeI32(reader, what);
}

template <typename Enum>
Enum readEnumField(Reader& reader, const ThriftField& field, int32_t last, const char* what) {
  const int32_t value = readI32Field(reader, field, what);
  if (value < 0 || value > last)
    throw Error(std::string(what) + " has the unknown value " + std::to_string(value));
  return static_cast<Enum>(value);
}

void readLogicalType(Reader& reader, SchemaElement& element) {
  // A union: one field set, its id naming the type.
  readStruct(reader, [&](const ThriftField& field) {
    if (field.type != ThriftType::Struct) return false;
    switch (field.id) {
      case 1:
      case 2:
      case 3:
      case 4:
      case 12:
      case 14:
        element.logical = static_cast<LogicalKind>(field.id);
        return false;
      case 5:
        element.logical = LogicalKind::Decimal;
        readStruct(reader, [&](const ThriftField& f) {
          if (f.id == 1) element.logicalScale = readI32Field(reader, f, "DecimalType.scale");
          return f.id == 1;
        });
        return true;
      case 10:
        element.logical = LogicalKind::Integer;
        readStruct(reader, [&](const ThriftField& f) {
          if (f.id == 2) element.logicalSigned = reader.readBool(f);
          return f.id == 2;
        });
        return true;
      default:
        element.logical = LogicalKind::Other;
        return false;
    }
  });
}

SchemaElement readSchemaElement(Reader& reader) {
  SchemaElement element;
  readStruct(reader, [&](const ThriftField& field) {
    switch (field.id) {
      case 1:
        element.type = readEnumField<PhysicalType>(reader, field, 7, "SchemaElement.type");
        return true;
      case 2:
        element.typeLength = readNonNegativeI32Field(reader, field, "SchemaElement.type_length");
        return true;
      case 3:
        element.repetition =
            readEnumField<Repetition>(reader, field, 2, "SchemaElement.repetition_type");
        element.hasRepetition = true;
        return true;
      case 4:
        expectType(field, ThriftType::Binary, "SchemaElement.name");
        element.name = reader.readBinary(kMaxNameBytes);
        return true;
      case 5:
        element.numChildren = readNonNegativeI32Field(reader, field, "SchemaElement.num_children");
        return true;
      case 6:
        element.convertedType = readI32Field(reader, field, "SchemaElement.converted_type");
        return true;
      case 7:
        element.scale = readI32Field(reader, field, "SchemaElement.scale");
        return true;
      case 10:
        expectType(field, ThriftType::Struct, "SchemaElement.logicalType");
        readLogicalType(reader, element);
        return true;
      default:
        return false;
    }
  });
  return element;
}

ColumnMetaData readColumnMetaData(Reader& reader) {
  ColumnMetaData meta;
  bool hasType = false, hasOffset = false, hasSize = false;
  readStruct(reader, [&](const ThriftField& field) {
    switch (field.id) {
      case 1:
        meta.type = readEnumField<PhysicalType>(reader, field, 7, "ColumnMetaData.type");
        hasType = true;
        return true;
      case 3:
        expectType(field, ThriftType::List, "ColumnMetaData.path_in_schema");
        readList(reader, kMaxSchemaElements, "ColumnMetaData.path_in_schema", [&](ThriftType t) {
          expectElement(t, ThriftType::Binary, "ColumnMetaData.path_in_schema");
          meta.path.push_back(reader.readBinary(kMaxNameBytes));
        });
        return true;
      case 4:
        meta.codec = readNonNegativeI32Field(reader, field, "ColumnMetaData.codec");
        return true;
      case 5:
        meta.numValues = readNonNegativeI64Field(reader, field, "ColumnMetaData.num_values");
        return true;
      case 7:
        meta.totalCompressedSize =
            readNonNegativeI64Field(reader, field, "ColumnMetaData.total_compressed_size");
        hasSize = true;
        return true;
      case 9:
        meta.dataPageOffset =
            readNonNegativeI64Field(reader, field, "ColumnMetaData.data_page_offset");
        hasOffset = true;
        return true;
      case 11:
        meta.dictionaryPageOffset =
            readNonNegativeI64Field(reader, field, "ColumnMetaData.dictionary_page_offset");
        return true;
      default:
        return false;
    }
  });
  if (!hasType || !hasOffset || !hasSize)
    throw Error("ColumnMetaData lacks its type, data_page_offset or total_compressed_size");
  return meta;
}

RowGroup readRowGroup(Reader& reader, size_t& chunks) {
  RowGroup group;
  readStruct(reader, [&](const ThriftField& field) {
    switch (field.id) {
      case 1:
        expectType(field, ThriftType::List, "RowGroup.columns");
        readList(reader, kMaxSchemaElements, "RowGroup.columns", [&](ThriftType t) {
          expectElement(t, ThriftType::Struct, "RowGroup.columns");
          if (++chunks > kMaxColumnChunks)
            throw Error("the footer declares more than " + std::to_string(kMaxColumnChunks) +
                        " column chunks");
          ColumnChunk chunk;
          readStruct(reader, [&](const ThriftField& f) {
            if (f.id == 1 && f.type == ThriftType::Binary) {
              chunk.hasFilePath = true;
              return false;
            }
            if (f.id != 3) return false;
            expectType(f, ThriftType::Struct, "ColumnChunk.meta_data");
            chunk.meta = readColumnMetaData(reader);
            return true;
          });
          group.columns.push_back(std::move(chunk));
        });
        return true;
      case 3:
        group.numRows = readNonNegativeI64Field(reader, field, "RowGroup.num_rows");
        return true;
      default:
        return false;
    }
  });
  return group;
}

}  // namespace

FileMetaData parseFileMetaData(const uint8_t* data, size_t size) {
  Reader reader(data, size);
  FileMetaData meta;
  size_t chunks = 0;
  bool hasSchema = false;
  readStruct(reader, [&](const ThriftField& field) {
    switch (field.id) {
      case 2:
        expectType(field, ThriftType::List, "FileMetaData.schema");
        readList(reader, kMaxSchemaElements, "FileMetaData.schema", [&](ThriftType t) {
          expectElement(t, ThriftType::Struct, "FileMetaData.schema");
          meta.schema.push_back(readSchemaElement(reader));
        });
        hasSchema = true;
        return true;
      case 3:
        meta.numRows = readNonNegativeI64Field(reader, field, "FileMetaData.num_rows");
        return true;
      case 4:
        expectType(field, ThriftType::List, "FileMetaData.row_groups");
        readList(reader, kMaxRowGroups, "FileMetaData.row_groups", [&](ThriftType t) {
          expectElement(t, ThriftType::Struct, "FileMetaData.row_groups");
          meta.rowGroups.push_back(readRowGroup(reader, chunks));
        });
        return true;
      default:
        return false;
    }
  });
  if (!hasSchema || meta.schema.empty()) throw Error("FileMetaData has no schema");
  return meta;
}

PageHeader parsePageHeader(const uint8_t* data, size_t size, size_t& headerBytes) {
  Reader reader(data, size);
  PageHeader header;
  bool hasType = false, hasSizes = false;
  readStruct(reader, [&](const ThriftField& field) {
    switch (field.id) {
      case 1:
        header.type = readI32Field(reader, field, "PageHeader.type");
        hasType = true;
        return true;
      case 2:
        header.uncompressedPageSize =
            readNonNegativeI32Field(reader, field, "PageHeader.uncompressed_page_size");
        return true;
      case 3:
        header.compressedPageSize =
            readNonNegativeI32Field(reader, field, "PageHeader.compressed_page_size");
        hasSizes = true;
        return true;
      case 5: {
        expectType(field, ThriftType::Struct, "PageHeader.data_page_header");
        DataPageHeader page;
        readStruct(reader, [&](const ThriftField& f) {
          const char* what = "DataPageHeader";
          switch (f.id) {
            case 1:
              page.numValues = readNonNegativeI32Field(reader, f, "DataPageHeader.num_values");
              return true;
            case 2:
              page.encoding = readI32Field(reader, f, what);
              return true;
            case 3:
              page.definitionLevelEncoding = readI32Field(reader, f, what);
              return true;
            case 4:
              page.repetitionLevelEncoding = readI32Field(reader, f, what);
              return true;
            default:
              return false;
          }
        });
        header.dataPage = page;
        return true;
      }
      case 7: {
        expectType(field, ThriftType::Struct, "PageHeader.dictionary_page_header");
        DictionaryPageHeader page;
        readStruct(reader, [&](const ThriftField& f) {
          if (f.id == 1)
            page.numValues = readNonNegativeI32Field(reader, f, "DictionaryPageHeader.num_values");
          else if (f.id == 2)
            page.encoding = readI32Field(reader, f, "DictionaryPageHeader.encoding");
          return f.id == 1 || f.id == 2;
        });
        header.dictionaryPage = page;
        return true;
      }
      case 8: {
        expectType(field, ThriftType::Struct, "PageHeader.data_page_header_v2");
        DataPageHeaderV2 page;
        readStruct(reader, [&](const ThriftField& f) {
          switch (f.id) {
            case 1:
              page.numValues = readNonNegativeI32Field(reader, f, "DataPageHeaderV2.num_values");
              return true;
            case 2:
              page.numNulls = readNonNegativeI32Field(reader, f, "DataPageHeaderV2.num_nulls");
              return true;
            case 3:
              page.numRows = readNonNegativeI32Field(reader, f, "DataPageHeaderV2.num_rows");
              return true;
            case 4:
              page.encoding = readI32Field(reader, f, "DataPageHeaderV2.encoding");
              return true;
            case 5:
              page.definitionLevelsByteLength = readNonNegativeI32Field(
                  reader, f, "DataPageHeaderV2.definition_levels_byte_length");
              return true;
            case 6:
              page.repetitionLevelsByteLength = readNonNegativeI32Field(
                  reader, f, "DataPageHeaderV2.repetition_levels_byte_length");
              return true;
            case 7:
              page.isCompressed = reader.readBool(f);
              return true;
            default:
              return false;
          }
        });
        header.dataPageV2 = page;
        return true;
      }
      default:
        return false;
    }
  });
  if (!hasType || !hasSizes) throw Error("page header lacks its type or compressed size");
  headerBytes = reader.position();
  return header;
}

std::string physicalTypeName(PhysicalType type) {
  static const char* names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return names[static_cast<int>(type)];
}

std::string codecName(int32_t codec) {
  static const char* names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return names[codec];
  return "codec " + std::to_string(codec);
}

std::string encodingName(int32_t encoding) {
  static const char* names[] = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  if (encoding >= 0 && encoding < 10) return names[encoding];
  return "encoding " + std::to_string(encoding);
}

}  // namespace tunebench::parquet
