#include "train/TokenCache.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Paths.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'T', 'B', 'T', 'O', 'K', 'E', 'N', 'S'};
constexpr uint32_t kFormatVersion = 2;  // 2: each example carries its class label
constexpr uint32_t kEndianMark = 0x01020304;
constexpr uint32_t kMaxSequence = 1u << 24;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t endian;
  char fingerprint[64];
  uint64_t examples;
  int64_t truncated;
  uint64_t payloadBytes;
  uint64_t checksum;  // FNV-1a over the payload
};

uint64_t fnv1a(const std::vector<char>& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

void putU32(std::vector<char>& out, uint32_t value) {
  const char* p = reinterpret_cast<const char*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

void putIds(std::vector<char>& out, const std::vector<int64_t>& values) {
  for (int64_t v : values) putU32(out, static_cast<uint32_t>(static_cast<int32_t>(v)));
}

// Reads the payload back; false on any inconsistency.
class PayloadReader {
 public:
  explicit PayloadReader(const std::vector<char>& bytes) : bytes_(bytes) {}
  bool u32(uint32_t& value) {
    if (bytes_.size() - position_ < sizeof value) return false;
    std::memcpy(&value, bytes_.data() + position_, sizeof value);
    position_ += sizeof value;
    return true;
  }
  bool ids(size_t count, std::vector<int64_t>& values) {
    if ((bytes_.size() - position_) / sizeof(int32_t) < count) return false;
    values.resize(count);
    for (size_t i = 0; i < count; ++i) {
      int32_t v;
      std::memcpy(&v, bytes_.data() + position_, sizeof v);
      position_ += sizeof v;
      values[i] = v;
    }
    return true;
  }
  bool atEnd() const { return position_ == bytes_.size(); }

 private:
  const std::vector<char>& bytes_;
  size_t position_ = 0;
};

bool fitsInt32(const std::vector<int64_t>& values) {
  return std::all_of(values.begin(), values.end(), [](int64_t v) {
    return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  });
}

}  // namespace

TokenCache::TokenCache(fs::path folder, uint64_t budgetBytes)
    : folder_(std::move(folder)), budgetBytes_(budgetBytes) {}

fs::path TokenCache::defaultFolder() {
  return userCacheDirectory() / "tokens";
}

fs::path TokenCache::fileFor(const std::string& fingerprint) const {
  return folder_ / (fingerprint + ".tokens");
}

std::optional<TrainingDataset> TokenCache::load(const std::string& fingerprint) const {
  const auto path = fileFor(fingerprint);
  std::error_code ec;
  if (fingerprint.size() != 64 || !fs::is_regular_file(path, ec)) return std::nullopt;
  auto reject = [&]() -> std::optional<TrainingDataset> {
    fs::remove(path, ec);
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  Header header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return reject();
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.version != kFormatVersion ||
      header.endian != kEndianMark ||
      std::string(header.fingerprint, sizeof header.fingerprint) != fingerprint)
    return reject();
  const auto size = fs::file_size(path, ec);
  if (ec || size != sizeof header + header.payloadBytes) return reject();
  std::vector<char> payload(header.payloadBytes);
  if (!in.read(payload.data(), static_cast<std::streamsize>(payload.size()))) return reject();
  if (fnv1a(payload) != header.checksum) return reject();

  TrainingDataset dataset;
  dataset.fingerprint = fingerprint;
  dataset.truncated = header.truncated;
  PayloadReader reader(payload);
  for (uint64_t i = 0; i < header.examples; ++i) {
    uint32_t length = 0, segmented = 0, classLabel = 0;
    if (!reader.u32(length) || !reader.u32(segmented) || !reader.u32(classLabel) ||
        length > kMaxSequence || segmented > 1)
      return reject();
    TokenizedExample example;
    example.classLabel = static_cast<int32_t>(classLabel);
    if (!reader.ids(length, example.ids) || !reader.ids(length, example.labels)) return reject();
    if (segmented && !reader.ids(length, example.segments)) return reject();
    dataset.examples.push_back(std::move(example));
  }
  if (!reader.atEnd() || dataset.examples.empty()) return reject();
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
  return dataset;
}

bool TokenCache::store(const TrainingDataset& dataset) const {
  if (dataset.fingerprint.size() != 64) return false;
  std::vector<char> payload;
  for (const auto& example : dataset.examples) {
    if (example.ids.size() > kMaxSequence || example.labels.size() != example.ids.size() ||
        (!example.segments.empty() && example.segments.size() != example.ids.size()) ||
        !fitsInt32(example.ids) || !fitsInt32(example.labels) || !fitsInt32(example.segments) ||
        !fitsInt32({example.classLabel}))
      return false;
    putU32(payload, static_cast<uint32_t>(example.ids.size()));
    putU32(payload, example.segments.empty() ? 0 : 1);
    putIds(payload, {example.classLabel});
    putIds(payload, example.ids);
    putIds(payload, example.labels);
    putIds(payload, example.segments);
  }
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kFormatVersion;
  header.endian = kEndianMark;
  std::memcpy(header.fingerprint, dataset.fingerprint.data(), sizeof header.fingerprint);
  header.examples = dataset.examples.size();
  header.truncated = dataset.truncated;
  header.payloadBytes = payload.size();
  header.checksum = fnv1a(payload);

  std::error_code ec;
  fs::create_directories(folder_, ec);
  // A cache that cannot be written (a full disk) only means the next run tokenises again.
  try {
    writeFileAtomically(fileFor(dataset.fingerprint), [&](std::ostream& out) {
      out.write(reinterpret_cast<const char*>(&header), sizeof header);
      out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    });
  } catch (const Error&) {
    return false;
  }
  evictBeyondBudget();
  return true;
}

void TokenCache::evictBeyondBudget() const {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(folder_, ec)) {
    if (item.path().extension() != ".tokens" || !item.is_regular_file(ec)) continue;
    Entry entry{item.path(), item.last_write_time(ec), item.file_size(ec)};
    if (ec) continue;
    total += entry.bytes;
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  // The newest file stays even when it alone is over the budget: it was just written to be used.
  for (size_t i = 0; i + 1 < entries.size() && total > budgetBytes_; ++i) {
    fs::remove(entries[i].path, ec);
    total -= entries[i].bytes;
  }
}

}  // namespace tunebench
