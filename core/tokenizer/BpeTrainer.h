#pragma once
// A small deterministic byte-level BPE trainer: enough to make test fixtures and the tokenizers
// of `make-model`, writing files that Hugging Face tokenizers load.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tunebench {

struct BpeTrainerOptions {
  enum class Style {
    Gpt2,   // ByteLevel pre-tokenizer with GPT-2's built-in pattern
    Qwen2,  // NFC + Split(Qwen2 pattern) + ByteLevel without regex
  };
  Style style = Style::Qwen2;
  int vocabSize = 512;   // bytes + merges + special tokens
  int minFrequency = 2;  // a pair seen less often is not merged
  std::vector<std::string> specialTokens{"<|endoftext|>"};
  std::string bosToken;  // empty: none
  std::string eosToken = "<|endoftext|>";
  std::string padToken;
  bool addBosToken = false;  // written as a TemplateProcessing post-processor
  std::optional<std::string> chatTemplate;
  long long modelMaxLength = 2048;
};

struct TrainedTokenizerFiles {
  std::string tokenizerJson;
  std::string tokenizerConfigJson;
  int mergeCount = 0;
};

// Throws tunebench::Error for impossible options (vocabulary smaller than the byte alphabet,
// special token roles that are not special tokens).
TrainedTokenizerFiles trainByteLevelBpe(const std::vector<std::string>& texts,
                                        const BpeTrainerOptions& options);
// Writes tokenizer.json and tokenizer_config.json into folder (created when missing).
void writeTokenizerFiles(const TrainedTokenizerFiles& files, const std::filesystem::path& folder);

// The split patterns of the families, as their tokenizer.json files spell them.
extern const char* const kQwen2SplitPattern;
extern const char* const kLlama3SplitPattern;

}  // namespace tunebench
