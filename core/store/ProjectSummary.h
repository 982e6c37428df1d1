#pragma once
// What `project info` shows: schema, journal mode and how much of each thing the project holds.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct ProjectSummary {
  int schemaVersion = 0;
  int latestSchemaVersion = 0;
  std::string journalMode;
  int64_t pageSize = 0;
  int64_t pageCount = 0;
  // (what, how many) in display order; tables a schema does not have yet are left out.
  std::vector<std::pair<std::string, int64_t>> counts;
  std::vector<std::pair<std::string, int64_t>> runsByStatus;
};

ProjectSummary summarizeProject(ProjectStore& store);

}  // namespace tunebench::store
