#pragma once
// tokenizer_config.json: special token strings, BOS/EOS rules and chat templates.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/JsonNode.h"
#include "tokenizer/Tokenizer.h"

namespace tunebench {

struct TokenizerConfig {
  // Token strings; a token given as an AddedToken object ({"content": ...}) is read the same way.
  std::optional<std::string> bosToken, eosToken, padToken, unkToken;
  // Unset when the file does not say; the tokenizer then follows its own rules.
  std::optional<bool> addBosToken, addEosToken;
  // Named chat templates; the plain string form is stored as "default".
  std::map<std::string, std::string> chatTemplates;
  // "added_tokens_decoder": id -> token with flags.
  std::vector<AddedToken> addedTokens;
  std::string tokenizerClass;
  std::optional<long long> modelMaxLength;

  // Throws tunebench::Error naming the file, the JSON path and the problem.
  static TokenizerConfig fromFile(const std::string& path);
  static TokenizerConfig fromJson(const JsonNode& root);

  // The template with this name, else "default", else nothing.
  std::optional<std::string> chatTemplate(const std::string& name = "default") const;
};

// Reads an AddedToken object ({"content", "lstrip", ...}); id is left -1.
AddedToken readAddedTokenObject(const JsonNode& node);

}  // namespace tunebench
