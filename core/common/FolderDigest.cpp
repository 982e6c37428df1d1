#include "common/FolderDigest.h"

#include <algorithm>
#include <filesystem>

#include "common/Error.h"
#include "common/FileFingerprintCache.h"

namespace tunebench {

namespace fs = std::filesystem;

std::vector<std::string> folderFiles(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) throw Error("cannot list " + folder + ": " + ec.message());
  for (const auto& item : it) {
    if (item.is_directory())
      throw Error(folder + " holds the folder " + item.path().filename().string() +
                  ": only flat folders of files are digested");
    if (item.is_regular_file()) names.push_back(item.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string folderSha256(const std::string& folder, const HashProgress& progress) {
  const auto names = folderFiles(folder);
  std::vector<std::string> paths;
  for (const auto& name : names) paths.push_back((fs::path(folder) / name).string());
  FileFingerprintCache cache;
  const auto digests = cache.sha256OfFiles(paths, progress);
  if (digests.size() != names.size()) return {};
  Sha256 digest;
  for (size_t i = 0; i < names.size(); ++i) digest.update(digests[i] + "  " + names[i] + "\n");
  return digest.hexDigest();
}

}  // namespace tunebench
