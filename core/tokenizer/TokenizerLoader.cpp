#include "tokenizer/TokenizerLoader.h"

#include "common/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/SentencePieceTokenizer.h"

namespace tunebench {

LoadedTokenizer loadTokenizer(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(folder))
    throw Error("loading tokenizer: " + folder.string() + " is not a folder");
  LoadedTokenizer loaded;
  const fs::path configPath = folder / "tokenizer_config.json";
  const bool hasConfig = fs::exists(configPath);
  if (hasConfig) loaded.config = TokenizerConfig::fromFile(configPath.string());
  const TokenizerConfig* config = hasConfig ? &loaded.config : nullptr;
  const fs::path jsonPath = folder / "tokenizer.json";
  const fs::path modelPath = folder / "tokenizer.model";
  if (fs::exists(jsonPath)) {
    loaded.file = jsonPath;
    loaded.tokenizer = BpeTokenizer::fromFile(jsonPath.string(), config);
  } else if (fs::exists(modelPath)) {
    loaded.file = modelPath;
    loaded.tokenizer = SentencePieceTokenizer::fromFile(modelPath.string(), config);
  } else {
    throw Error("loading tokenizer: " + folder.string() +
                " has neither tokenizer.json nor tokenizer.model");
  }
  return loaded;
}

}  // namespace tunebench
