#include "store/DatasetRejects.h"

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "jobs/JobContext.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

constexpr int64_t kPageRows = 4096;

DatasetVersionRecord versionOf(DatasetRepository& datasets, const ProjectStore& project,
                               int64_t versionId) {
  const auto version = datasets.findVersion(versionId);
  if (!version)
    throw Error(project.file().string() + ": dataset version " + std::to_string(versionId) +
                " does not exist (deleted in the meantime?)");
  return *version;
}

}  // namespace

VersionRejects readVersionRejects(const std::string& projectFile, int64_t versionId,
                                  int64_t limit) {
  OpenOptions options;
  options.readOnly = true;
  auto project = ProjectStore::open(projectFile, options);
  DatasetRepository datasets(project);
  VersionRejects result;
  result.total = versionOf(datasets, project, versionId).rejectCount;
  result.rejects = datasets.rejects(versionId, 0, limit);
  return result;
}

int64_t exportVersionRejects(ProjectStore& project, int64_t versionId,
                             const std::filesystem::path& out, JobContext& context) {
  DatasetRepository datasets(project);
  const int64_t total = versionOf(datasets, project, versionId).rejectCount;
  int64_t written = 0;
  writeFileAtomically(out, [&](std::ostream& file) {
    for (int64_t offset = 0;; offset += kPageRows) {
      if (context.isCanceled()) throw Error("exporting the rejects was canceled");
      const auto page = datasets.rejects(versionId, offset, kPageRows);
      for (const auto& reject : page) {
        // Raw text is stored valid UTF-8 (bad bytes became U+FFFD at import).
        file << nlohmann::json{{"line", reject.line},
                               {"problem", reject.reason},
                               {"raw", reject.raw}}
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
             << '\n';
      }
      written += static_cast<int64_t>(page.size());
      context.progress(written, total, "exporting rejects to " + out.string());
      if (static_cast<int64_t>(page.size()) < kPageRows) break;
    }
  });
  return written;
}

}  // namespace tunebench::store
