#include "common/FileFingerprintCache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Paths.h"

namespace tunebench {

namespace fs = std::filesystem;
using Entry = FileFingerprintCache::Entry;

namespace {

constexpr std::string_view kHeader = "tunebench file fingerprints 1\n";
constexpr uintmax_t kMaxFileBytes = uintmax_t(64) << 20;

int64_t nanoseconds(const timespec& time) {
  return int64_t(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What stat() says of the file, without a digest; nothing when it cannot be stat'ed.
std::optional<Entry> statEntry(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  Entry entry;
  entry.size = static_cast<uint64_t>(info.st_size);
  entry.modifiedNs = nanoseconds(info.st_mtim);
  entry.changedNs = nanoseconds(info.st_ctim);
  entry.inode = static_cast<uint64_t>(info.st_ino);
  return entry;
}

bool sameFile(const Entry& a, const Entry& b) {
  return a.size == b.size && a.modifiedNs == b.modifiedNs && a.changedNs == b.changedNs &&
         a.inode == b.inode;
}

bool isDigest(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

template <typename Number>
bool parseNumber(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// "<sha256>\t<size>\t<mtime ns>\t<ctime ns>\t<inode>\t<stored at ns>\t<absolute path>"
std::optional<std::pair<std::string, Entry>> parseLine(std::string_view line) {
  std::string_view fields[6];
  for (auto& field : fields) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return std::nullopt;
    field = line.substr(0, tab);
    line.remove_prefix(tab + 1);
  }
  Entry entry;
  if (!isDigest(fields[0]) || !parseNumber(fields[1], entry.size) ||
      !parseNumber(fields[2], entry.modifiedNs) || !parseNumber(fields[3], entry.changedNs) ||
      !parseNumber(fields[4], entry.inode) || !parseNumber(fields[5], entry.storedAtNs) ||
      line.empty() || line.front() != '/')
    return std::nullopt;
  entry.sha256 = std::string(fields[0]);
  return std::make_pair(std::string(line), entry);
}

// All entries, or none when the file is missing, unreadable or malformed anywhere.
std::map<std::string, Entry> readEntries(const fs::path& file) {
  std::error_code ec;
  const auto bytes = fs::file_size(file, ec);
  if (ec || bytes > kMaxFileBytes) return {};
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (!in || text.size() < kHeader.size() || text.compare(0, kHeader.size(), kHeader) != 0 ||
      text.back() != '\n')
    return {};
  std::map<std::string, Entry> entries;
  for (size_t at = kHeader.size(); at < text.size();) {
    const size_t end = text.find('\n', at);
    auto parsed = parseLine(std::string_view(text).substr(at, end - at));
    if (!parsed) return {};
    entries[parsed->first] = parsed->second;
    at = end + 1;
  }
  return entries;
}

std::string formatEntries(const std::map<std::string, Entry>& entries) {
  std::string text(kHeader);
  for (const auto& [path, e] : entries)
    text += e.sha256 + '\t' + std::to_string(e.size) + '\t' + std::to_string(e.modifiedNs) + '\t' +
            std::to_string(e.changedNs) + '\t' + std::to_string(e.inode) + '\t' +
            std::to_string(e.storedAtNs) + '\t' + path + '\n';
  return text;
}

// Failing to write only means the next run hashes again.
void writeEntries(const fs::path& file, const std::map<std::string, Entry>& entries) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  try {
    writeFileAtomically(file, formatEntries(entries));
  } catch (const Error&) {
  }
}

void dropOldest(std::map<std::string, Entry>& entries, size_t keep) {
  if (entries.size() <= keep) return;
  std::vector<int64_t> times;
  for (const auto& item : entries) times.push_back(item.second.storedAtNs);
  const auto cut = times.begin() + static_cast<std::ptrdiff_t>(entries.size() - keep);
  std::nth_element(times.begin(), cut, times.end());
  const int64_t keepFrom = *cut;
  for (auto it = entries.begin(); it != entries.end() && entries.size() > keep;)
    it = it->second.storedAtNs < keepFrom ? entries.erase(it) : std::next(it);
  for (auto it = entries.begin(); it != entries.end() && entries.size() > keep;)
    it = it->second.storedAtNs == keepFrom ? entries.erase(it) : std::next(it);
}

}  // namespace

fs::path FileFingerprintCache::defaultFile() {
  return userCacheDirectory() / "file-fingerprints.txt";
}

FileFingerprintCache::FileFingerprintCache(fs::path file, std::chrono::nanoseconds settle)
    : file_(std::move(file)), settle_(settle), entries_(readEntries(file_)) {}

std::string FileFingerprintCache::sha256(const std::string& path, const HashProgress& progress) {
  const std::string key = fs::absolute(path).lexically_normal().string();
  const auto before = statEntry(key);
  if (before) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = entries_.find(key);
    if (found != entries_.end() && sameFile(found->second, *before)) {
      if (progress && !progress(before->size, before->size)) return {};
      return found->second.sha256;
    }
  }
  const int64_t startedNs = nowNs();
  const std::string digest = sha256OfFile(path, progress);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++filesHashed_;
  }
  if (digest.empty() || !before) return digest;
  const auto after = statEntry(key);
  const bool unchanged = after && sameFile(*before, *after);
  const int64_t changedNs = std::max(before->modifiedNs, before->changedNs);
  const bool settled = changedNs + settle_.count() <= startedNs;
  if (unchanged && settled && key.find('\n') == std::string::npos) {
    Entry entry = *before;
    entry.sha256 = digest;
    entry.storedAtNs = startedNs;
    remember(key, entry);
  }
  return digest;
}

std::vector<std::string> FileFingerprintCache::sha256OfFiles(const std::vector<std::string>& paths,
                                                             const HashProgress& progress) {
  std::vector<uint64_t> sizes;
  uint64_t total = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    sizes.push_back(ec ? 0 : size);
    total += sizes.back();
  }
  std::vector<std::string> digests;
  uint64_t finished = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    digests.push_back(sha256(paths[i], [&](uint64_t done, uint64_t) {
      return !progress || progress(finished + std::min(done, sizes[i]), total);
    }));
    if (digests.back().empty()) return {};
    finished += sizes[i];
  }
  return digests;
}

size_t FileFingerprintCache::filesHashed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return filesHashed_;
}

void FileFingerprintCache::remember(const std::string& key, const Entry& entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[key] = entry;
  // What other processes stored since this one read the file is kept; per path, the newer wins.
  auto merged = readEntries(file_);
  for (const auto& [path, mine] : entries_) {
    const auto theirs = merged.find(path);
    if (theirs == merged.end() || theirs->second.storedAtNs <= mine.storedAtNs) merged[path] = mine;
  }
  dropOldest(merged, kMaxEntries);
  entries_ = merged;
  writeEntries(file_, merged);
}

}  // namespace tunebench
