#include "tokenizer/TokenizerConfig.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "common/Error.h"

namespace tunebench {

namespace {

std::optional<std::string> readTokenString(const JsonNode& root, const std::string& key) {
  const auto node = root.find(key);
  if (!node) return std::nullopt;
  if (node->isString()) return node->str();
  if (node->isObject()) return node->at("content").str();
  node->fail("expected a string or an AddedToken object");
}

std::optional<bool> readFlag(const JsonNode& root, const std::string& key) {
  const auto node = root.find(key);
  if (!node) return std::nullopt;
  return node->boolean();
}

}  // namespace

AddedToken readAddedTokenObject(const JsonNode& node) {
  if (!node.isObject()) node.fail("expected an AddedToken object");
  AddedToken token;
  token.content = node.at("content").str();
  if (token.content.empty()) node.at("content").fail("an added token cannot be empty");
  token.special = node.boolOr("special", false);
  token.lstrip = node.boolOr("lstrip", false);
  token.rstrip = node.boolOr("rstrip", false);
  token.normalized = node.boolOr("normalized", !token.special);
  token.singleWord = node.boolOr("single_word", false);
  return token;
}

TokenizerConfig TokenizerConfig::fromFile(const std::string& path) {
  const nlohmann::json doc = JsonNode::parseFile(path);
  return fromJson(JsonNode(doc, path));
}

TokenizerConfig TokenizerConfig::fromJson(const JsonNode& root) {
  if (!root.isObject()) root.fail("expected an object");
  TokenizerConfig config;
  config.bosToken = readTokenString(root, "bos_token");
  config.eosToken = readTokenString(root, "eos_token");
  config.padToken = readTokenString(root, "pad_token");
  config.unkToken = readTokenString(root, "unk_token");
  config.addBosToken = readFlag(root, "add_bos_token");
  config.addEosToken = readFlag(root, "add_eos_token");
  config.tokenizerClass = root.strOr("tokenizer_class", "");
  if (const auto length = root.find("model_max_length")) {
    // Files often hold a huge float (1e30) meaning "no limit".
    if (length->raw().is_number_integer()) {
      config.modelMaxLength = length->raw().get<long long>();
    } else if (!length->raw().is_number()) {
      length->fail("expected a number");
    }
  }
  if (const auto chat = root.find("chat_template")) {
    if (chat->isString()) {
      config.chatTemplates["default"] = chat->str();
    } else if (chat->isArray()) {
      for (const JsonNode& entry : chat->items())
        config.chatTemplates[entry.at("name").str()] = entry.at("template").str();
    } else {
      chat->fail("expected a string or a list of {\"name\", \"template\"}");
    }
  }
  if (const auto decoder = root.find("added_tokens_decoder")) {
    for (const auto& [key, node] : decoder->members()) {
      AddedToken token = readAddedTokenObject(node);
      const char* end = key.data() + key.size();
      const auto parsed = std::from_chars(key.data(), end, token.id);
      if (key.empty() || parsed.ec != std::errc() || parsed.ptr != end || token.id < 0)
        node.fail("the key is not a token id");
      config.addedTokens.push_back(token);
    }
  }
  return config;
}

std::optional<std::string> TokenizerConfig::chatTemplate(const std::string& name) const {
  auto it = chatTemplates.find(name);
  if (it == chatTemplates.end()) it = chatTemplates.find("default");
  if (it == chatTemplates.end()) return std::nullopt;
  return it->second;
}

}  // namespace tunebench
