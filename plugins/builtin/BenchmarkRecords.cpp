#include "builtin/BenchmarkRecords.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "builtin/JsonImporter.h"
#include "builtin/JsonLinesImporter.h"
#include "builtin/ParquetImporter.h"
#include "common/Error.h"

namespace tunebench::builtin {

namespace {

class CollectingSink : public RecordSink {
 public:
  CollectingSink(std::string path, bool byLine) : path_(std::move(path)), byLine_(byLine) {}
  void record(ImportedRecord&& record) override {
    // JSON Lines count lines; JSON arrays and Parquet files count rows.
    const int64_t position = byLine_ ? record.line : static_cast<int64_t>(records.size()) + 1;
    records.push_back({std::move(record.fields),
                       path_ + (byLine_ ? " line " : " row ") + std::to_string(position)});
  }
  void reject(ImportReject&& reject) override {
    throw Error(path_ + " line " + std::to_string(reject.line) + ": " + reject.problem);
  }
  std::vector<BenchmarkRecord> records;

 private:
  std::string path_;
  bool byLine_;
};

std::vector<std::shared_ptr<DatasetImporter>> benchmarkImporters() {
  return {std::make_shared<JsonLinesImporter>(), std::make_shared<JsonImporter>(),
          std::make_shared<ParquetImporter>()};
}

std::string lowerExtension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  if (!extension.empty()) extension.erase(0, 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

}  // namespace

std::vector<BenchmarkRecord> readBenchmarkRecords(const std::string& path, JobContext& context) {
  const std::string extension = lowerExtension(path);
  std::string known;
  for (const auto& importer : benchmarkImporters()) {
    const auto extensions = importer->fileExtensions();
    for (const auto& name : extensions) known += (known.empty() ? "." : ", .") + name;
    if (std::find(extensions.begin(), extensions.end(), extension) == extensions.end()) continue;
    ImportOptions options;
    options.path = path;
    CollectingSink sink(path, importer->id() == "jsonl");
    importer->importFile(options, sink, context);
    if (sink.records.empty() && !context.isCanceled()) throw Error(path + " has no records");
    return std::move(sink.records);
  }
  throw Error(path + ": a benchmark file is one of " + known);
}

}  // namespace tunebench::builtin
