#include "eval/ModelSourceIdentity.h"

#include <filesystem>
#include <optional>
#include <vector>

#include "common/FileFingerprintCache.h"
#include "common/Sha256.h"
#include "jobs/JobContext.h"
#include "model/ModelFingerprint.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// "<role> <file name>:<sha256>\n" for the required files and those of the optional ones that are
// there; nothing when the context canceled.
std::optional<std::string> fileLines(const std::string& role, const std::string& folder,
                                     const std::vector<std::string>& required,
                                     const std::vector<std::string>& optional,
                                     FileFingerprintCache& cache, JobContext* context) {
  std::vector<std::string> files;
  for (const auto& name : required) files.push_back((fs::path(folder) / name).string());
  for (const auto& name : optional) {
    const auto path = fs::path(folder) / name;
    if (fs::exists(path)) files.push_back(path.string());
  }
  const auto digests = cache.sha256OfFiles(files, [&](uint64_t done, uint64_t total) {
    if (!context) return true;
    context->waitIfPaused();
    if (context->isCanceled()) return false;
    context->progress(static_cast<int64_t>(done), static_cast<int64_t>(total),
                      "Fingerprinting the " + role);
    return true;
  });
  if (digests.size() != files.size()) return std::nullopt;
  std::string lines;
  for (size_t i = 0; i < files.size(); ++i)
    lines += role + " " + fs::path(files[i]).filename().string() + ":" + digests[i] + "\n";
  return lines;
}

}  // namespace

std::string modelSourceIdentity(const ModelSource& source, JobContext* context) {
  FileFingerprintCache cache;
  const auto model = modelFolderFingerprint(source.modelFolder, cache, context);
  if (model.empty()) return {};
  // The tokenizer decodes generated answers; scores need only the ids their keys hold.
  const auto tokenizer =
      fileLines("tokenizer", source.modelFolder, {},
                {"tokenizer.json", "tokenizer.model", "tokenizer_config.json"}, cache, context);
  if (!tokenizer) return {};
  std::string lines = "model " + model + "\n" + *tokenizer;
  if (!source.adapterFolder.empty()) {
    const auto adapter = fileLines("adapter", source.adapterFolder,
                                   {"adapter_config.json", "adapter_model.safetensors"},
                                   {"class_labels.json"}, cache, context);
    if (!adapter) return {};
    lines += *adapter;
  }
  if (!source.checkpointFolder.empty()) {
    const auto checkpoint = fileLines("checkpoint", source.checkpointFolder,
                                      {"config.json", "trainable.safetensors"}, {}, cache, context);
    if (!checkpoint) return {};
    lines += *checkpoint;
  }
  return sha256Hex(lines);
}

}  // namespace tunebench
