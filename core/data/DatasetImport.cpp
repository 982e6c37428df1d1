#include "data/DatasetImport.h"

#include <algorithm>

#include "common/Error.h"

namespace tunebench {

namespace {

// Stops the import once enough records arrived: importers check for cancellation per record.
class SamplingContext : public JobContext, public RecordSink {
 public:
  explicit SamplingContext(size_t wanted) : wanted_(wanted) {}
  bool isCanceled() const override { return records.size() >= wanted_; }
  void waitIfPaused() override {}
  void progress(int64_t, int64_t, const std::string&) override {}
  void metric(int64_t, const std::string&, double) override {}
  void log(LogLevel, const std::string&) override {}
  void record(ImportedRecord&& r) override {
    if (records.size() < wanted_) records.push_back(std::move(r.fields));
  }
  void reject(ImportReject&& r) override {
    if (firstProblem.empty()) firstProblem = r.problem;
  }
  std::vector<nlohmann::json> records;
  std::string firstProblem;

 private:
  size_t wanted_;
};

}  // namespace

std::vector<nlohmann::json> sampleRecords(DatasetImporter& importer, const ImportOptions& options,
                                          size_t count, std::string* firstProblem) {
  SamplingContext sampler(count);
  ImportOptions lenient = options;
  lenient.skipBadRows = true;
  importer.importFile(lenient, sampler, sampler);
  if (firstProblem) *firstProblem = sampler.firstProblem;
  return std::move(sampler.records);
}

ColumnMapping detectFileSchema(DatasetImporter& importer, const ImportOptions& options,
                               size_t sampleSize) {
  std::string firstProblem;
  const auto sample = sampleRecords(importer, options, sampleSize, &firstProblem);
  // With no good record to look at, the reader's own error is the one that helps.
  if (sample.empty() && !firstProblem.empty())
    throw Error(options.path + ": " + firstProblem +
                " (no readable record to guess the columns from)");
  const auto guess = detectSchema(sample);
  if (guess.mapping) return *guess.mapping;
  // A file with 100,000 columns must not make a message of a megabyte: the first 20 are named.
  std::string fields;
  const size_t shown = std::min<size_t>(guess.fields.size(), 20);
  for (size_t i = 0; i < shown; ++i) fields += (fields.empty() ? "" : ", ") + guess.fields[i];
  if (guess.fields.size() > shown)
    fields += " and " + std::to_string(guess.fields.size() - shown) + " more";
  throw Error(options.path + ": " + guess.reason +
              " (fields: " + (fields.empty() ? "none" : fields) + ")");
}

DatasetImportJob::DatasetImportJob(std::shared_ptr<DatasetImporter> importer, ImportOptions options,
                                   std::optional<ColumnMapping> mapping, RecordSink* rawSink)
    : importer_(std::move(importer)),
      options_(std::move(options)),
      mapping_(std::move(mapping)),
      rawSink_(rawSink) {}

std::string DatasetImportJob::name() const {
  return "import " + options_.path + " (" + importer_->displayName() + ")";
}

void DatasetImportJob::run(JobContext& context) {
  result_ = {};
  result_.mapping = mapping_ ? *mapping_ : detectFileSchema(*importer_, options_);
  context.log(LogLevel::Info, std::string("importing as ") + datasetKindName(result_.mapping.kind) +
                                  " with mapping " + result_.mapping.toJson().dump());
  MappingSink sink(result_.mapping, options_.path, options_.skipBadRows, rawSink_);
  importer_->importFile(options_, sink, context);
  result_.canceled = context.isCanceled();
  // All-or-nothing: a canceled import leaves no partial dataset behind.
  if (!result_.canceled) result_.dataset = std::move(sink.dataset());
  result_.dataset.kind = result_.mapping.kind;
  result_.rejects = sink.rejects();
  context.log(LogLevel::Info, "imported " + std::to_string(result_.dataset.examples.size()) +
                                  " examples, " + std::to_string(result_.rejects.size()) +
                                  " rejected rows");
}

}  // namespace tunebench
