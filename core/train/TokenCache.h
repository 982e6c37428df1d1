#pragma once
// Tokenised training files kept on disk, keyed by the dataset fingerprint (SHA-256 over the
// file's lines, the tokenizer and the data settings), so that another run over the same file
// with the same tokenizer and settings skips reading JSON and tokenising. A cache file that is
// unreadable, truncated or fails its checksum is deleted and the data tokenised again: the cache
// can only ever save time, never change what trains.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "train/TrainingData.h"

namespace tunebench {

class TokenCache {
 public:
  static constexpr uint64_t kDefaultBudgetBytes = uint64_t(2) << 30;

  // Files beyond `budgetBytes` in total are removed, least recently used first.
  explicit TokenCache(std::filesystem::path folder, uint64_t budgetBytes = kDefaultBudgetBytes);
  // userCacheDirectory()/tokens.
  static std::filesystem::path defaultFolder();

  // The dataset stored under this fingerprint, or nothing.
  std::optional<TrainingDataset> load(const std::string& fingerprint) const;
  // Writes the dataset atomically (temporary file, rename). Returns false, leaving no file
  // behind, when the folder cannot be written: training goes on without the cache.
  bool store(const TrainingDataset& dataset) const;

  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path fileFor(const std::string& fingerprint) const;

 private:
  void evictBeyondBudget() const;

  std::filesystem::path folder_;
  uint64_t budgetBytes_;
};

}  // namespace tunebench
