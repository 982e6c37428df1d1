#pragma once
// Importing a file into a project as a new dataset whose version 1 holds the records as read.
// The whole import is one transaction: a failed or canceled import leaves nothing behind.
#include <cstdint>
#include <optional>
#include <string>

#include "data/ColumnMapping.h"
#include "data/DatasetImporter.h"
#include "jobs/JobContext.h"

namespace tunebench::store {

class ProjectStore;

struct ProjectImportRequest {
  ImportOptions options;                 // path, skip-bad-rows, importer settings
  std::optional<ColumnMapping> mapping;  // detected from the first records when empty
  std::string name;                      // the file's stem when empty
};

struct ProjectImportResult {
  int64_t datasetId = 0;
  int64_t versionId = 0;
  ColumnMapping mapping;
  int64_t records = 0;
  int64_t rejects = 0;
  bool canceled = false;  // nothing was stored
};

// Throws tunebench::Error naming the file, line and field of the first bad row (unless bad
// rows are skipped), or when the name is taken.
ProjectImportResult importIntoProject(ProjectStore& store, DatasetImporter& importer,
                                      const ProjectImportRequest& request, JobContext& context);

}  // namespace tunebench::store
