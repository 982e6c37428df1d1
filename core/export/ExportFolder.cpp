#include "export/ExportFolder.h"

#include <algorithm>
#include <filesystem>

#include "common/Error.h"
#include "common/FolderDigest.h"

namespace tunebench {

namespace fs = std::filesystem;

void copyFolderFiles(const std::string& from, const std::string& to, JobContext& context) {
  for (const auto& name : folderFiles(from)) {
    if (context.isCanceled()) return;
    std::error_code ec;
    fs::copy_file(fs::path(from) / name, fs::path(to) / name, fs::copy_options::overwrite_existing,
                  ec);
    if (ec) throw Error("cannot copy " + (fs::path(from) / name).string() + ": " + ec.message());
  }
}

uint64_t pathBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sizeError;
    if (it->is_regular_file(sizeError)) {
      const auto size = it->file_size(sizeError);
      if (!sizeError) total += size;
    }
  }
  return total;
}

std::string exportFolderStem(const std::string& runName, const std::string& format) {
  std::string safe;
  for (const char c : runName) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    safe += plain ? c : '_';
  }
  while (!safe.empty() && safe.front() == '.') safe.erase(safe.begin());
  if (safe.empty()) safe = "run";
  return safe + "-" + format;
}

std::string defaultExportFolder(const std::string& projectFolder, const std::string& runName,
                                const std::string& format) {
  const fs::path exports = fs::path(projectFolder) / "exports";
  const std::string stem = exportFolderStem(runName, format);
  for (int n = 1;; ++n) {
    const fs::path candidate = exports / (stem + "-" + std::to_string(n));
    std::error_code ec;
    if (!fs::exists(candidate, ec)) return candidate.lexically_normal().string();
  }
}

}  // namespace tunebench
