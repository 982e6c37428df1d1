#include "store/ProjectDatasetImport.h"

#include <filesystem>

#include "common/Error.h"
#include "common/RegularFile.h"
#include "common/Sha256.h"
#include "data/DatasetImport.h"
#include "data/RecordMapper.h"
#include "store/DatasetRepository.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

constexpr size_t kRowsPerBatch = 2000;

// Maps each record as it streams in (so a bad row fails early) and stores the raw record of
// every row that mapped; rows that did not are stored as rejects only.
class StoringSink : public RecordSink {
 public:
  StoringSink(DatasetRepository& repository, int64_t versionId, const ColumnMapping& mapping,
              const ImportOptions& options)
      : repository_(repository),
        versionId_(versionId),
        mapper_(mapping, options.path, options.skipBadRows) {}

  void record(ImportedRecord&& record) override {
    std::string data = record.fields.dump();
    const int64_t line = record.line;
    const size_t rejectsBefore = mapper_.rejects().size();
    mapper_.record(std::move(record));
    // Only the typed examples' count matters here: drop them to keep memory flat.
    mapper_.dataset().examples.clear();
    if (mapper_.rejects().size() == rejectsBefore) {
      rows_.push_back({0, std::nullopt, std::move(data), line});
      ++records_;
    }
    if (rows_.size() >= kRowsPerBatch) flush();
  }

  void reject(ImportReject&& reject) override { mapper_.reject(std::move(reject)); }

  void flush() {
    if (!rows_.empty()) repository_.appendRows(versionId_, rows_);
    rows_.clear();
  }

  void storeRejects() {
    std::vector<DatasetReject> rejects;
    for (const auto& r : mapper_.rejects()) rejects.push_back({r.line, r.problem, r.rawText});
    if (!rejects.empty()) repository_.appendRejects(versionId_, rejects);
  }

  int64_t records() const { return records_; }
  int64_t rejects() const { return static_cast<int64_t>(mapper_.rejects().size()); }

 private:
  DatasetRepository& repository_;
  int64_t versionId_;
  MappingSink mapper_;
  std::vector<DatasetRow> rows_;
  int64_t records_ = 0;
};

nlohmann::json describeOptions(const ProjectImportRequest& request, const std::string& format) {
  return {{"format", format},
          {"skipBadRows", request.options.skipBadRows},
          {"settings", request.options.settings.is_null() ? nlohmann::json::object()
                                                          : request.options.settings},
          {"mappingGiven", request.mapping.has_value()}};
}

}  // namespace

ProjectImportResult importIntoProject(ProjectStore& store, DatasetImporter& importer,
                                      const ProjectImportRequest& request, JobContext& context) {
  const std::filesystem::path source(request.options.path);
  // A FIFO would block the import, a device may never end: only regular files are datasets.
  if (const auto why = whyNotARegularFile(request.options.path); !why.empty())
    throw Error(request.options.path + ": " + why +
                (why == "no such file" ? std::string() : std::string(": import a data file")));
  const std::string name = request.name.empty() ? source.stem().string() : request.name;
  DatasetRepository repository(store);
  if (repository.findDatasetByName(name))
    throw Error("a dataset named \"" + name + "\" exists in " + store.file().string() +
                "; choose another name with --name");

  ProjectImportResult result;
  result.mapping = request.mapping ? *request.mapping : detectFileSchema(importer, request.options);
  context.log(LogLevel::Info, std::string("importing as ") + datasetKindName(result.mapping.kind) +
                                  " with mapping " + result.mapping.toJson().dump());
  const std::string sha256 = sha256OfFile(request.options.path);

  // Relative paths are taken from the working folder here, not from the project folder.
  const auto absolute = std::filesystem::absolute(source);
  Transaction transaction(store.db());
  result.datasetId = repository.createDataset({name, absolute, sha256,
                                               describeOptions(request, importer.id()).dump(),
                                               result.mapping.toJson().dump()});
  result.versionId = repository.createVersion(result.datasetId, std::nullopt);
  StoringSink sink(repository, result.versionId, result.mapping, request.options);
  importer.importFile(request.options, sink, context);
  if (context.isCanceled()) {
    ProjectImportResult canceled;  // the transaction rolls back: nothing was stored
    canceled.mapping = result.mapping;
    canceled.canceled = true;
    return canceled;
  }
  sink.flush();
  sink.storeRejects();
  transaction.commit();
  result.records = sink.records();
  result.rejects = sink.rejects();
  context.log(LogLevel::Info, "stored " + std::to_string(result.records) + " records, " +
                                  std::to_string(result.rejects) + " rejected rows");
  return result;
}

}  // namespace tunebench::store
