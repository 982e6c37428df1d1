#pragma once
// Importing a file into a typed dataset as one job: an importer plugin streams records, a
// MappingSink turns them into examples. Without an explicit mapping, the schema is detected from
// the first records. The GUI runs this job on a worker thread; a project store can take the
// raw records through `rawSink` and the dataset afterwards.
#include <memory>
#include <optional>

#include "data/DatasetImporter.h"
#include "data/RecordMapper.h"
#include "jobs/JobContext.h"

namespace tunebench {

// Reads up to `count` records from the start of the file (bad rows are skipped, not counted).
// `firstProblem`, when given, receives the first bad row's position and problem.
std::vector<nlohmann::json> sampleRecords(DatasetImporter& importer, const ImportOptions& options,
                                          size_t count, std::string* firstProblem = nullptr);

// Detects the schema from up to `sampleSize` records; throws tunebench::Error with the reason
// and the fields seen when no known shape fits.
ColumnMapping detectFileSchema(DatasetImporter& importer, const ImportOptions& options,
                               size_t sampleSize = 200);

struct DatasetImportResult {
  ColumnMapping mapping;
  Dataset dataset;
  std::vector<ImportReject> rejects;
  bool canceled = false;
};

class DatasetImportJob : public Job {
 public:
  DatasetImportJob(std::shared_ptr<DatasetImporter> importer, ImportOptions options,
                   std::optional<ColumnMapping> mapping = std::nullopt,
                   RecordSink* rawSink = nullptr);
  std::string name() const override;
  void run(JobContext& context) override;
  const DatasetImportResult& result() const { return result_; }

 private:
  std::shared_ptr<DatasetImporter> importer_;
  ImportOptions options_;
  std::optional<ColumnMapping> mapping_;
  RecordSink* rawSink_;
  DatasetImportResult result_;
};

}  // namespace tunebench
