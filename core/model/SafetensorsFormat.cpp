#include "model/SafetensorsFormat.h"

#include <algorithm>
#include <set>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

struct DTypeInfo {
  SafetensorsDType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {SafetensorsDType::Bool, "BOOL", 1}, {SafetensorsDType::U8, "U8", 1},
    {SafetensorsDType::I8, "I8", 1},     {SafetensorsDType::I16, "I16", 2},
    {SafetensorsDType::I32, "I32", 4},   {SafetensorsDType::I64, "I64", 8},
    {SafetensorsDType::F16, "F16", 2},   {SafetensorsDType::BF16, "BF16", 2},
    {SafetensorsDType::F32, "F32", 4},   {SafetensorsDType::F64, "F64", 8},
};

bool multiplyChecked(uint64_t a, uint64_t b, uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

// A name as it can be printed: control characters (a NUL would cut the message) as \xNN.
std::string printable(const std::string& name) {
  std::string text;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      text += escaped;
    } else {
      text += static_cast<char>(c);
    }
  }
  return text;
}

void checkName(const std::string& name, const std::string& fileName) {
  if (name.empty()) throw Error(fileName + ": a tensor has an empty name");
  if (name.size() > 1024)
    throw Error(fileName + ": tensor name '" + printable(name.substr(0, 64)) +
                "…' is longer than 1024 bytes");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      throw Error(fileName + ": tensor name '" + printable(name) +
                  "' contains a control character");
}

}  // namespace

const char* dtypeName(SafetensorsDType dtype) {
  for (const auto& info : kDTypes)
    if (info.dtype == dtype) return info.name;
  return "?";
}

size_t dtypeSize(SafetensorsDType dtype) {
  for (const auto& info : kDTypes)
    if (info.dtype == dtype) return info.size;
  return 0;
}

bool parseDTypeName(std::string_view name, SafetensorsDType& dtype) {
  for (const auto& info : kDTypes)
    if (name == info.name) {
      dtype = info.dtype;
      return true;
    }
  return false;
}

uint64_t SafetensorsEntry::elementCount() const {
  uint64_t count = 1;
  for (int64_t dim : shape) count *= static_cast<uint64_t>(dim);
  return count;
}

const SafetensorsEntry* SafetensorsHeader::find(std::string_view name) const {
  for (const auto& entry : entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

uint64_t safetensorsHeaderLength(std::string_view prefix, uint64_t fileSize,
                                 const std::string& fileName) {
  if (fileSize < 8 || prefix.size() < 8)
    throw Error(fileName + ": file is " + std::to_string(fileSize) +
                " bytes, too short for a safetensors header (at least 8 bytes)");
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(prefix[i]);
  if (length > kMaxSafetensorsHeaderBytes)
    throw Error(fileName + ": header length " + std::to_string(length) +
                " bytes exceeds the limit of " + std::to_string(kMaxSafetensorsHeaderBytes));
  if (length > fileSize - 8)
    throw Error(fileName + ": header length " + std::to_string(length) +
                " bytes runs past the end of the file (" + std::to_string(fileSize) + " bytes)");
  return length;
}

SafetensorsHeader parseSafetensorsHeader(std::string_view prefix, uint64_t fileSize,
                                         const std::string& fileName) {
  const uint64_t headerLength = safetensorsHeaderLength(prefix, fileSize, fileName);
  if (prefix.size() < 8 + headerLength)
    throw Error(fileName + ": file is truncated inside its header");
  const std::string_view text = prefix.substr(8, headerLength);
  if (const size_t bad = findInvalidUtf8(text); bad != std::string_view::npos)
    throw Error(fileName + ": header has invalid UTF-8 at byte " + std::to_string(8 + bad));

  // nlohmann keeps the last of duplicate keys silently; the callback sees each top-level key.
  std::set<std::string> seenKeys;
  std::string duplicate;
  checkJsonNesting(text, fileName, JsonLimits().maxDepth);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(
        text, [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
          if (event == nlohmann::json::parse_event_t::key && depth == 1) {
            const auto key = parsed.get<std::string>();
            if (!seenKeys.insert(key).second && duplicate.empty()) duplicate = key;
          }
          return true;
        });
  } catch (const nlohmann::json::exception& e) {
    throw Error(fileName + ": header is not valid JSON: " + e.what());
  }
  if (!duplicate.empty())
    throw Error(fileName + ": header names tensor '" + printable(duplicate) + "' twice");
  if (!header.is_object()) throw Error(fileName + ": header is not a JSON object");

  SafetensorsHeader result;
  result.dataStart = 8 + headerLength;
  const uint64_t dataSize = fileSize - result.dataStart;

  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) throw Error(fileName + ": __metadata__ is not an object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) throw Error(fileName + ": __metadata__." + key + " is not a string");
        result.metadata[key] = text.get<std::string>();
      }
      continue;
    }
    checkName(name, fileName);
    const std::string where = fileName + ": tensor '" + printable(name) + "'";
    if (!value.is_object()) throw Error(where + " is not described by an object");
    for (const auto& [field, unused] : value.items()) {
      (void)unused;
      if (field != "dtype" && field != "shape" && field != "data_offsets")
        throw Error(where + " has an unknown field '" + field + "'");
    }
    SafetensorsEntry entry;
    entry.name = name;
    if (!value.contains("dtype") || !value["dtype"].is_string())
      throw Error(where + " has no dtype string");
    const auto dtype = value["dtype"].get<std::string>();
    if (!parseDTypeName(dtype, entry.dtype))
      throw Error(where + " has unsupported dtype '" + dtype + "'");
    if (!value.contains("shape") || !value["shape"].is_array())
      throw Error(where + " has no shape array");
    uint64_t bytes = dtypeSize(entry.dtype);
    for (const auto& dim : value["shape"]) {
      if (!dim.is_number_unsigned())
        throw Error(where + " has a shape entry that is not a non-negative integer");
      const uint64_t size = dim.get<uint64_t>();
      if (size > static_cast<uint64_t>(INT64_MAX) || !multiplyChecked(bytes, size, bytes))
        throw Error(where + " has a shape whose byte size overflows");
      entry.shape.push_back(static_cast<int64_t>(size));
    }
    const auto& offsets = value.contains("data_offsets") ? value["data_offsets"] : nlohmann::json();
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw Error(where + " needs data_offsets [begin, end] of non-negative integers");
    entry.begin = offsets[0].get<uint64_t>();
    entry.end = offsets[1].get<uint64_t>();
    if (entry.end < entry.begin) throw Error(where + " has data_offsets with end before begin");
    if (entry.end > dataSize)
      throw Error(where + " ends at data byte " + std::to_string(entry.end) +
                  " past the end of the data section (" + std::to_string(dataSize) + " bytes)");
    if (entry.end - entry.begin != bytes)
      throw Error(where + ": shape × dtype size is " + std::to_string(bytes) +
                  " bytes but data_offsets span " + std::to_string(entry.end - entry.begin));
    result.entries.push_back(std::move(entry));
  }

  std::sort(result.entries.begin(), result.entries.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const auto& entry : result.entries) {
    if (entry.begin < expected)
      throw Error(fileName + ": tensor '" + printable(entry.name) +
                  "' overlaps the previous tensor's data");
    if (entry.begin > expected)
      throw Error(fileName + ": gap of " + std::to_string(entry.begin - expected) +
                  " bytes before tensor '" + entry.name + "'");
    expected = entry.end;
  }
  if (expected != dataSize)
    throw Error(fileName + ": " + std::to_string(dataSize - expected) +
                " trailing bytes after the last tensor");
  return result;
}

}  // namespace tunebench
