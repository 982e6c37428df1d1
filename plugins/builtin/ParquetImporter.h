#pragma once
// Apache Parquet (the format of Hugging Face hub datasets): one record per row, as a JSON object
// of the file's top-level columns. Nested columns keep their shape: LIST columns become arrays,
// structs objects, MAP columns objects keyed by the key's text, null values JSON null. How each
// stored type becomes JSON (strings, numbers, base64 for binary) is in parquet/ParquetValues.h.
// Reads data pages v1 and v2; codecs UNCOMPRESSED, SNAPPY, GZIP and ZSTD; encodings PLAIN,
// dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY), RLE, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Refused, with the reason:
// other codecs (LZ4, BROTLI, LZO), INT96 columns, encrypted files, columns in other files,
// BIT_PACKED levels.
// Records: `line` is the row's 1-based number in the file, `byteOffset` the file offset where its
// row group's data starts. No settings. Problems in a Parquet file are structural (a page, a
// column chunk, the footer), so every problem aborts the import with an Error naming the file,
// row group, row, column and page, even when skipping bad rows is asked for.
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

class ParquetImporter : public DatasetImporter {
 public:
  std::string id() const override { return "parquet"; }
  std::string displayName() const override { return "Apache Parquet"; }
  std::vector<std::string> fileExtensions() const override { return {"parquet"}; }
  void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) override;
};

// The Parquet importer, with the signature of a shared library's tunebench_plugin_register
// (apart from the other built-ins, so that a fuzz target builds it without LibTorch).
void registerParquetImporter(PluginRegistrar* registrar);

}  // namespace tunebench::builtin
