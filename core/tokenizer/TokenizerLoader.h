#pragma once
// Opens the tokenizer of a Hugging Face model folder.
#include <filesystem>
#include <memory>

#include "tokenizer/Tokenizer.h"
#include "tokenizer/TokenizerConfig.h"

namespace tunebench {

struct LoadedTokenizer {
  std::shared_ptr<Tokenizer> tokenizer;
  TokenizerConfig config;      // empty when the folder has no tokenizer_config.json
  std::filesystem::path file;  // tokenizer.json or tokenizer.model
};

// Uses tokenizer.json when present, else tokenizer.model; tokenizer_config.json supplies special
// tokens, BOS/EOS rules and chat templates. Throws tunebench::Error naming the file and problem.
LoadedTokenizer loadTokenizer(const std::filesystem::path& folder);

}  // namespace tunebench
