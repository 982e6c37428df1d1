#include "builtin/ParquetImporter.h"

#include <memory>

#include "builtin/parquet/ParquetColumnReader.h"
#include "builtin/parquet/ParquetFile.h"
#include "builtin/parquet/ParquetRecordAssembly.h"
#include "common/Error.h"

namespace tunebench::builtin {

namespace {

using namespace tunebench::parquet;

// Thrown when the job is canceled; not an Error, so that nothing on the way adds context to it.
struct StopReading {};

std::string joinPath(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ".") + part;
  return text;
}

class RowGroupImport {
 public:
  RowGroupImport(const ParquetFile& file, const RowGroup& group, JobContext& context,
                 int64_t bytesBefore)
      : file_(file), group_(group), context_(context), bytesBefore_(bytesBefore) {}

  // Creates a reader per column; returns the offset where the row group's data starts.
  int64_t open() {
    const Schema& schema = file_.schema();
    if (group_.columns.size() != schema.leaves.size())
      throw Error("has " + std::to_string(group_.columns.size()) + " column chunks, the schema " +
                  std::to_string(schema.leaves.size()) + " columns");
    int64_t claimed = 0;
    int64_t start = file_.size();
    bytesRead_.assign(schema.leaves.size(), 0);
    for (size_t i = 0; i < schema.leaves.size(); ++i) {
      const SchemaNode& leaf = *schema.leaves[i];
      const ColumnChunk& chunk = group_.columns[i];
      try {
        if (chunk.hasFilePath) throw Error("column data in another file is not supported");
        if (!chunk.meta) throw Error("the column chunk has no metadata");
        const ColumnMetaData& meta = *chunk.meta;
        if (joinPath(meta.path) != columnPath(leaf))
          throw Error("the column chunk is for column " + joinPath(meta.path));
        if (meta.type != *leaf.element.type)
          throw Error("the column chunk holds " + physicalTypeName(meta.type) +
                      " values, the schema says " + physicalTypeName(*leaf.element.type));
        checkCodecSupported(meta.codec);
        int64_t offset = meta.dataPageOffset;
        if (meta.dictionaryPageOffset && *meta.dictionaryPageOffset > 0 &&
            *meta.dictionaryPageOffset < offset)
          offset = *meta.dictionaryPageOffset;
        const int64_t size = meta.totalCompressedSize;
        if (offset > file_.size() || size > file_.size() - offset)
          throw Error("the column chunk (bytes " + std::to_string(offset) + " to " +
                      std::to_string(offset + size) + ") runs past the end of the file (" +
                      std::to_string(file_.size()) + " bytes)");
        claimed += size;
        if (claimed > file_.size())
          throw Error("the row group's column chunks claim more bytes than the file holds");
        start = std::min(start, offset);
        readers_.push_back(
            std::make_unique<ColumnReader>(leaf, meta, file_.read(offset, size), offset,
                                           [this, i](size_t bytes) { pageRead(i, bytes); }));
      } catch (const Error& e) {
        throw Error("column " + columnPath(leaf) + ": " + e.what());
      }
      columns_.push_back(readers_.back().get());
    }
    return start;
  }

  const std::vector<ColumnReader*>& columns() const { return columns_; }

  void finish() {
    for (auto* column : columns_) column->checkFinished();
  }

 private:
  void pageRead(size_t column, size_t bytes) {
    bytesRead_[column] = bytes;
    int64_t done = bytesBefore_;
    for (size_t b : bytesRead_) done += static_cast<int64_t>(b);
    context_.waitIfPaused();
    if (context_.isCanceled()) throw StopReading{};
    context_.progress(done, file_.size(), "reading " + file_.path());
  }

  const ParquetFile& file_;
  const RowGroup& group_;
  JobContext& context_;
  int64_t bytesBefore_;
  std::vector<std::unique_ptr<ColumnReader>> readers_;
  std::vector<ColumnReader*> columns_;
  std::vector<size_t> bytesRead_;
};

}  // namespace

void ParquetImporter::importFile(const ImportOptions& options, RecordSink& sink,
                                 JobContext& context) {
  const ParquetFile file(options.path);
  RecordAssembler assembler(file.schema());
  const auto& groups = file.metadata().rowGroups;
  int64_t rowNumber = 0;
  int64_t bytesDone = 0;
  try {
    for (size_t g = 0; g < groups.size(); ++g) {
      const RowGroup& group = groups[g];
      const std::string where = options.path + ": row group " + std::to_string(g + 1) + " of " +
                                std::to_string(groups.size());
      RowGroupImport import(file, group, context, bytesDone);
      // Problems of the file get its place; a sink's own (a full disk) pass as they are.
      auto located = [&](const Error& e, int64_t row) {
        const std::string at =
            row >= 0 ? ", row " + std::to_string(row + 1) + " of " + std::to_string(group.numRows)
                     : "";
        return Error(where + at + ": " + e.what());
      };
      int64_t start = 0;
      try {
        start = import.open();
      } catch (const Error& e) {
        throw located(e, -1);
      }
      for (int64_t row = 0; row < group.numRows; ++row) {
        if (context.isCanceled()) return;
        nlohmann::json record;
        try {
          record = assembler.next(import.columns());
        } catch (const Error& e) {
          throw located(e, row);
        }
        sink.record({std::move(record), ++rowNumber, start});
      }
      try {
        import.finish();
      } catch (const Error& e) {
        throw located(e, -1);
      }
      for (const auto& chunk : group.columns)
        if (chunk.meta) bytesDone += chunk.meta->totalCompressedSize;
      context.progress(bytesDone, file.size(), "reading " + options.path);
    }
  } catch (const StopReading&) {
    return;
  }
  context.progress(file.size(), file.size(), "read " + options.path);
}

void registerParquetImporter(PluginRegistrar* registrar) {
  registrar->addDatasetImporter(std::make_shared<ParquetImporter>());
}

}  // namespace tunebench::builtin
