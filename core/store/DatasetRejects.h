#pragma once
// The rows an import skipped, for the user to review and repair: the first of a version's
// rejects with their count (the Data stage's Rejects tab), and all of them written out as JSON
// Lines — one object per reject: {"line": n, "problem": "...", "raw": "..."} in line order.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "store/DatasetRepository.h"

namespace tunebench {
class JobContext;
}

namespace tunebench::store {

class ProjectStore;

struct VersionRejects {
  std::vector<DatasetReject> rejects;  // the first ones, by line
  int64_t total = 0;                   // all of the version's
};

// Through a read-only connection. Throws tunebench::Error when the project cannot be read or has
// no such version.
VersionRejects readVersionRejects(const std::string& projectFile, int64_t versionId, int64_t limit);

// Writes every reject of the version to `out` (atomically: an existing file is replaced only
// when all is written); returns how many. Progress per page; a canceled export leaves no file.
int64_t exportVersionRejects(ProjectStore& project, int64_t versionId,
                             const std::filesystem::path& out, JobContext& context);

}  // namespace tunebench::store
