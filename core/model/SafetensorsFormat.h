#pragma once
// The safetensors container: 8-byte little-endian header length, a JSON header describing each
// tensor (dtype, shape, [begin, end) byte range of the data section), then the data. This file
// only parses and validates the header; it needs no LibTorch so that it can be fuzzed alone.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

enum class SafetensorsDType { Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64 };

const char* dtypeName(SafetensorsDType dtype);
size_t dtypeSize(SafetensorsDType dtype);
bool parseDTypeName(std::string_view name, SafetensorsDType& dtype);

struct SafetensorsEntry {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte range within the data section
  uint64_t end = 0;
  uint64_t elementCount() const;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in data order
  std::map<std::string, std::string> metadata;
  uint64_t dataStart = 0;  // file offset of the data section: 8 + header length
  const SafetensorsEntry* find(std::string_view name) const;
};

inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull * 1000 * 1000;

// Validates everything the format promises: header size limit, UTF-8 JSON object without
// duplicate keys, known dtypes, shapes whose byte size matches the range without overflow,
// ranges in order without gaps or overlaps covering the data exactly (no trailing bytes), sane
// names. `prefix` holds at least the first 8 + header-length bytes of the file (or all of it).
// Throws tunebench::Error naming `fileName` and the problem.
SafetensorsHeader parseSafetensorsHeader(std::string_view prefix, uint64_t fileSize,
                                         const std::string& fileName);

// Reads the 8-byte header length from the first bytes of a file (throws when too short).
uint64_t safetensorsHeaderLength(std::string_view prefix, uint64_t fileSize,
                                 const std::string& fileName);

}  // namespace tunebench
