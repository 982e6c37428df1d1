#pragma once
// Helpers shared by the normalizer, pre-tokenizer and decoder parsers (internal to tokenizer/).
#include <re2/re2.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/JsonNode.h"
#include "tokenizer/SplitRegex.h"

namespace tunebench {
namespace steps {

// The steps of a component: a Sequence's members (listKey), nested Sequences flattened in order;
// any other component is its own single step.
inline void flattenSequence(const JsonNode& node, const char* listKey, std::vector<JsonNode>& out) {
  if (node.at("type").str() != "Sequence") {
    out.push_back(node);
    return;
  }
  for (const JsonNode& item : node.at(listKey).items()) flattenSequence(item, listKey, out);
}

inline std::vector<JsonNode> flattenSequence(const JsonNode& node, const char* listKey) {
  std::vector<JsonNode> out;
  flattenSequence(node, listKey, out);
  return out;
}

// A Replace/Split "pattern" member: {"String": "..."} or {"Regex": "..."}.
inline std::pair<std::string, bool> readPattern(const JsonNode& node) {
  const JsonNode pattern = node.at("pattern");
  if (pattern.has("String")) return {pattern.at("String").str(), false};
  if (pattern.has("Regex")) return {pattern.at("Regex").str(), true};
  pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

// A Replace pattern given as a Regex, compiled for RE2 (Oniguruma class escapes translated).
inline std::shared_ptr<re2::RE2> compileReplaceRegex(const JsonNode& item,
                                                     const std::string& pattern) {
  auto regex = std::make_shared<re2::RE2>(SplitRegex::translate(pattern), re2::RE2::Quiet);
  if (!regex->ok()) item.at("pattern").fail("regex not supported: " + regex->error());
  return regex;
}

inline void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  std::string out;
  size_t pos = 0, hit;
  while ((hit = text.find(from, pos)) != std::string::npos) {
    out.append(text, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(text, pos, std::string::npos);
  text.swap(out);
}

// Every match of regex replaced by content, taken literally.
inline void replaceRegex(std::string& text, const re2::RE2& regex, const std::string& content) {
  std::string rewrite = content;  // in an RE2 rewrite only backslashes are special
  replaceAll(rewrite, "\\", "\\\\");
  re2::RE2::GlobalReplace(&text, regex, rewrite);
}

}  // namespace steps
}  // namespace tunebench
