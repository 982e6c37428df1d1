#pragma once
// Typed access to a parsed JSON document that knows where it is: every failure throws a
// tunebench::Error naming the file, the JSON path and the problem.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tunebench {

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string file, std::string path = "")
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  // Parses a whole file (or its bytes); throws with the file name and the parser's position.
  static nlohmann::json parseFile(const std::string& file);
  static nlohmann::json parseText(const std::string& text, const std::string& file);

  const nlohmann::json& raw() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  bool isNull() const { return value_->is_null(); }
  bool isObject() const { return value_->is_object(); }
  bool isArray() const { return value_->is_array(); }
  bool isString() const { return value_->is_string(); }
  bool has(const std::string& key) const;  // present and not null

  JsonNode at(const std::string& key) const;                   // required member
  std::optional<JsonNode> find(const std::string& key) const;  // absent or null -> nullopt
  JsonNode at(size_t index) const;
  size_t size() const;  // of an array or object

  std::string str() const;
  bool boolean() const;
  long long integer() const;
  std::vector<JsonNode> items() const;                            // array elements
  std::vector<std::pair<std::string, JsonNode>> members() const;  // object members (in key order)

  std::string strOr(const std::string& key, const std::string& fallback) const;
  bool boolOr(const std::string& key, bool fallback) const;

  [[noreturn]] void fail(const std::string& problem) const;

 private:
  const char* typeName() const;
  std::string child(const std::string& key) const;

  const nlohmann::json* value_;
  std::string file_;
  std::string path_;
};

}  // namespace tunebench
