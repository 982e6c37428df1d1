#include "export/ExportFolder.h"

#include <algorithm>
#include <filesystem>

#include "common/Error.h"
#include "common/FileFingerprintCache.h"
#include "common/Sha256.h"

namespace tunebench {

namespace fs = std::filesystem;

std::vector<std::string> exportFolderFiles(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) throw Error("cannot list " + folder + ": " + ec.message());
  for (const auto& item : it) {
    if (item.is_directory())
      throw Error(folder + " holds the folder " + item.path().filename().string() +
                  "; an export is a flat folder of files");
    if (item.is_regular_file()) names.push_back(item.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string exportFolderSha256(const std::string& folder, const HashProgress& progress) {
  const auto names = exportFolderFiles(folder);
  std::vector<std::string> paths;
  for (const auto& name : names) paths.push_back((fs::path(folder) / name).string());
  FileFingerprintCache cache;
  const auto digests = cache.sha256OfFiles(paths, progress);
  if (digests.size() != names.size()) return {};
  Sha256 digest;
  for (size_t i = 0; i < names.size(); ++i) digest.update(digests[i] + "  " + names[i] + "\n");
  return digest.hexDigest();
}

void copyFolderFiles(const std::string& from, const std::string& to, JobContext& context) {
  for (const auto& name : exportFolderFiles(from)) {
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
