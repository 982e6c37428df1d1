#include "model/ModelFingerprint.h"

#include <filesystem>
#include <vector>

#include "common/Sha256.h"
#include "model/CheckpointFolder.h"

namespace tunebench {

std::string modelFolderFingerprint(const std::string& folder) {
  namespace fs = std::filesystem;
  Sha256 hash;
  std::vector<std::string> files = {(fs::path(folder) / "config.json").string()};
  const CheckpointFolder checkpoint(folder);
  for (const auto& file : checkpoint.files()) files.push_back(file);
  for (const auto& file : files)
    hash.update(fs::path(file).filename().string() + ":" + sha256OfFile(file) + "\n");
  return hash.hexDigest();
}

}  // namespace tunebench
