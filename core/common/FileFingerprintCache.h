#pragma once
// SHA-256 digests of files remembered between runs, so that fingerprinting the same 10 GB model
// again reads nothing. An entry is keyed by the file's absolute path and what stat() says of it:
// size, modification time and change time in nanoseconds, and inode; rewriting or replacing the
// file changes them. A file changed less than `settle` (2 s) before it was hashed is not
// remembered, since a second write within the same clock tick would keep its times. The entries
// live in one small text file, rewritten whole (temporary file, fsync, rename); one that is
// unreadable or malformed counts as empty: the cache can only save time, never change a digest.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/Sha256.h"

namespace tunebench {

class FileFingerprintCache {
 public:
  static constexpr size_t kMaxEntries = 20000;  // beyond it the oldest entries are dropped

  // userCacheDirectory()/file-fingerprints.txt
  static std::filesystem::path defaultFile();

  // Reads the entries kept in `file` (none when it is missing, unreadable or malformed).
  explicit FileFingerprintCache(std::filesystem::path file = defaultFile(),
                                std::chrono::nanoseconds settle = std::chrono::seconds(2));

  // The file's SHA-256: the remembered digest when the file is unchanged, otherwise the file is
  // read (reporting to `progress`) and its digest written to the cache file at once. Returns an
  // empty string when `progress` returned false. Throws tunebench::Error naming the file when it
  // cannot be read. Safe to call from several threads and processes (the last writer wins).
  std::string sha256(const std::string& path, const HashProgress& progress = {});
  // The digests of the files in order, with `progress` counting the bytes of all of them.
  // Returns an empty list when `progress` returned false.
  std::vector<std::string> sha256OfFiles(const std::vector<std::string>& paths,
                                         const HashProgress& progress = {});

  // How many files this object has read rather than answered from the cache.
  size_t filesHashed() const;
  const std::filesystem::path& file() const { return file_; }

  struct Entry {
    uint64_t size = 0;
    int64_t modifiedNs = 0;
    int64_t changedNs = 0;
    uint64_t inode = 0;
    std::string sha256;
    int64_t storedAtNs = 0;  // when it was hashed: the oldest go first
  };

 private:
  void remember(const std::string& key, const Entry& entry);

  std::filesystem::path file_;
  std::chrono::nanoseconds settle_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // by absolute path
  size_t filesHashed_ = 0;
};

}  // namespace tunebench
