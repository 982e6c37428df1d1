#include "tokenizer/JsonNode.h"

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {
// tokenizer.json of large vocabularies (Gemma 3's is ~33 MB) with room to spare.
constexpr uint64_t kTokenizerFileLimit = uint64_t(1) << 30;
}  // namespace

nlohmann::json JsonNode::parseFile(const std::string& file) {
  return parseText(readTextFile(file, kTokenizerFileLimit), file);
}

nlohmann::json JsonNode::parseText(const std::string& text, const std::string& file) {
  const size_t bad = findInvalidUtf8(text);
  if (bad != std::string::npos)
    throw Error(file + ": invalid UTF-8 at byte " + std::to_string(bad));
  JsonLimits limits;
  limits.maxBytes = kTokenizerFileLimit;
  return parseJson(text, file, limits);
}

bool JsonNode::has(const std::string& key) const {
  return value_->is_object() && value_->contains(key) && !(*value_)[key].is_null();
}

std::string JsonNode::child(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

JsonNode JsonNode::at(const std::string& key) const {
  if (!value_->is_object()) fail(std::string("expected an object, found ") + typeName());
  const auto it = value_->find(key);
  if (it == value_->end()) fail("missing member \"" + key + "\"");
  return JsonNode(*it, file_, child(key));
}

std::optional<JsonNode> JsonNode::find(const std::string& key) const {
  if (!value_->is_object()) fail(std::string("expected an object, found ") + typeName());
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonNode(*it, file_, child(key));
}

JsonNode JsonNode::at(size_t index) const {
  if (!value_->is_array()) fail(std::string("expected an array, found ") + typeName());
  if (index >= value_->size()) fail("has no element " + std::to_string(index));
  return JsonNode((*value_)[index], file_, path_ + "[" + std::to_string(index) + "]");
}

size_t JsonNode::size() const {
  if (!value_->is_array() && !value_->is_object())
    fail(std::string("expected an array or object, found ") + typeName());
  return value_->size();
}

std::string JsonNode::str() const {
  if (!value_->is_string()) fail(std::string("expected a string, found ") + typeName());
  return value_->get<std::string>();
}

bool JsonNode::boolean() const {
  if (!value_->is_boolean()) fail(std::string("expected true or false, found ") + typeName());
  return value_->get<bool>();
}

long long JsonNode::integer() const {
  if (value_->is_number_unsigned()) {
    const auto v = value_->get<unsigned long long>();
    if (v > static_cast<unsigned long long>(INT32_MAX))
      fail("integer " + std::to_string(v) + " is too large");
    return static_cast<long long>(v);
  }
  if (!value_->is_number_integer()) fail(std::string("expected an integer, found ") + typeName());
  const auto v = value_->get<long long>();
  if (v < INT32_MIN || v > INT32_MAX) fail("integer " + std::to_string(v) + " is out of range");
  return v;
}

std::vector<JsonNode> JsonNode::items() const {
  if (!value_->is_array()) fail(std::string("expected an array, found ") + typeName());
  std::vector<JsonNode> out;
  out.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i)
    out.emplace_back((*value_)[i], file_, path_ + "[" + std::to_string(i) + "]");
  return out;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const {
  if (!value_->is_object()) fail(std::string("expected an object, found ") + typeName());
  std::vector<std::pair<std::string, JsonNode>> out;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    out.emplace_back(it.key(), JsonNode(it.value(), file_, child(it.key())));
  return out;
}

std::string JsonNode::strOr(const std::string& key, const std::string& fallback) const {
  const auto node = find(key);
  return node ? node->str() : fallback;
}

bool JsonNode::boolOr(const std::string& key, bool fallback) const {
  const auto node = find(key);
  return node ? node->boolean() : fallback;
}

void JsonNode::fail(const std::string& problem) const {
  throw Error(file_ + ": " + (path_.empty() ? std::string("top level") : path_) + ": " + problem);
}

const char* JsonNode::typeName() const {
  return value_->type_name();
}

}  // namespace tunebench
