#pragma once
// Datasets and their immutable versions: import facts, recipe steps, records with their split,
// rejects. Rows of a version are numbered 0..n-1 without gaps, so a page is one index seek.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct NewDataset {
  std::string name;
  std::filesystem::path sourcePath;
  std::string sourceSha256;
  std::string importOptions = "{}";
  std::string detectedSchema = "{}";
};

struct DatasetRecord {
  int64_t id = 0;
  std::string name;
  std::string sourcePath;  // relative to the project folder
  std::string sourceSha256;
  std::string importOptions;
  std::string detectedSchema;
  double createdAt = 0;
};

struct DatasetVersionRecord {
  int64_t id = 0;
  int64_t datasetId = 0;
  int64_t number = 0;
  std::optional<int64_t> parentVersionId;
  int64_t recordCount = 0;
  int64_t rejectCount = 0;
  double createdAt = 0;
  std::string rowFormat = "raw";  // kRawRows or kExampleRows
  std::optional<std::string> splitSettings = std::nullopt;
};

// How the rows of a version are encoded: records as read, or typed examples as JSON.
constexpr const char* kRawRows = "raw";
constexpr const char* kExampleRows = "examples";

struct RecipeStep {
  std::string operation;
  std::string params = "{}";
  std::string report = "{}";  // what the step did when the version was made
};

struct DatasetRow {
  int64_t index = 0;
  std::optional<std::string> split;
  std::string data;                                  // the record as JSON
  std::optional<int64_t> sourceLine = std::nullopt;  // 1-based line in the source file
};

struct DatasetReject {
  int64_t line = 0;
  std::string reason;
  std::string raw;
};

class DatasetRepository {
 public:
  explicit DatasetRepository(ProjectStore& store) : store_(store) {}

  int64_t createDataset(const NewDataset& dataset);
  std::optional<DatasetRecord> findDataset(int64_t id);
  std::vector<DatasetRecord> datasets();
  std::optional<DatasetRecord> findDatasetByName(const std::string& name);

  // The next version number of the dataset, with the recipe that produced it from the parent.
  int64_t createVersion(int64_t datasetId, std::optional<int64_t> parentVersionId,
                        const std::vector<RecipeStep>& recipe = {},
                        const std::string& rowFormat = kRawRows);
  std::optional<DatasetVersionRecord> findVersionByNumber(int64_t datasetId, int64_t number);
  std::optional<DatasetVersionRecord> findVersion(int64_t versionId);
  std::vector<DatasetVersionRecord> versions(int64_t datasetId);
  std::vector<RecipeStep> recipe(int64_t versionId);

  // Appends records numbered after the existing ones (their index fields are ignored). Joins the
  // caller's transaction when there is one, so a whole import can be all-or-nothing.
  void appendRows(int64_t versionId, const std::vector<DatasetRow>& rows);
  void appendRejects(int64_t versionId, const std::vector<DatasetReject>& rejects);
  // Sets the split of rows [first, first + count).
  void assignSplit(int64_t versionId, int64_t first, int64_t count, const std::string& split);
  // How the rows' splits were drawn (JSON), stored with the version.
  void setSplitSettings(int64_t versionId, const std::string& settings);
  // Rows per split name ("" for rows without one).
  std::vector<std::pair<std::string, int64_t>> splitCounts(int64_t versionId);

  // Up to limit rows starting at row offset, for a virtual table.
  std::vector<DatasetRow> page(int64_t versionId, int64_t offset, int64_t limit);
  std::vector<DatasetReject> rejects(int64_t versionId, int64_t offset, int64_t limit);

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
