#include "model/ModelFingerprint.h"

#include <filesystem>
#include <vector>

#include "common/FileFingerprintCache.h"
#include "common/Sha256.h"
#include "jobs/JobContext.h"
#include "model/CheckpointFolder.h"

namespace tunebench {

namespace fs = std::filesystem;

std::string modelFolderFingerprint(const std::string& folder, JobContext* context) {
  FileFingerprintCache cache;
  return modelFolderFingerprint(folder, cache, context);
}

std::string modelFolderFingerprint(const std::string& folder, FileFingerprintCache& cache,
                                   JobContext* context) {
  std::vector<std::string> files = {(fs::path(folder) / "config.json").string()};
  const CheckpointFolder checkpoint(folder);
  for (const auto& file : checkpoint.files()) files.push_back(file);
  const auto digests = cache.sha256OfFiles(files, [&](uint64_t done, uint64_t total) {
    if (!context) return true;
    context->waitIfPaused();
    if (context->isCanceled()) return false;
    context->progress(static_cast<int64_t>(done), static_cast<int64_t>(total),
                      "Fingerprinting the weights");
    return true;
  });
  if (digests.size() != files.size()) return {};
  Sha256 hash;
  // The names are part of the fingerprint so that renaming a shard changes it.
  for (size_t i = 0; i < files.size(); ++i)
    hash.update(fs::path(files[i]).filename().string() + ":" + digests[i] + "\n");
  return hash.hexDigest();
}

}  // namespace tunebench
