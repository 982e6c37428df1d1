#pragma once
// A Hugging Face tokenizer.json: its normalizer, pre-tokenizer, model (BPE, byte-level as in
// GPT-2, Llama-3, Qwen2 or with byte fallback as in Llama-2, Mistral, Gemma; Unigram; WordPiece),
// post-processor and decoder. (The name stays from when BPE was the only model.)
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/AddedTokenSplitter.h"
#include "tokenizer/BpeModel.h"
#include "tokenizer/PostProcessor.h"
#include "tokenizer/Tokenizer.h"
#include "tokenizer/TokenizerConfig.h"
#include "tokenizer/TokenizerSteps.h"

namespace tunebench {

// Token ids with the byte range [first, second) of the input each one covers. Tokens the
// post-processor adds cover nothing (an empty range at the start or the end).
struct TokenOffsets {
  std::vector<int> ids;
  std::vector<std::pair<size_t, size_t>> offsets;
};

// Token ids with the type id (segment) of each, as the post-processor assigns them.
struct TypedEncoding {
  std::vector<int> ids;
  std::vector<int> typeIds;
};

class BpeTokenizer : public Tokenizer {
 public:
  // Throw tunebench::Error naming the file, the JSON path and the problem. config, when given,
  // supplies the special token roles and the BOS/EOS rule (tokenizer_config.json).
  static std::unique_ptr<BpeTokenizer> fromFile(const std::string& path,
                                                const TokenizerConfig* config = nullptr);
  static std::unique_ptr<BpeTokenizer> fromJson(const nlohmann::json& doc, const std::string& file,
                                                const TokenizerConfig* config = nullptr);

  std::vector<int> encode(const std::string& text, bool addSpecial = true) const override;
  std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const override;
  std::string idToToken(int id) const override;
  int tokenToId(const std::string& token) const override;
  int vocabSize() const override;
  SpecialTokenIds specialIds() const override { return special_; }
  std::vector<AddedToken> addedTokens() const override { return added_; }
  // "bpe", "unigram" or "wordpiece": the model of the file.
  std::string kind() const override { return model_->kind(); }

  // One sequence, or a pair (b), with the post-processor's type ids. A pair needs a
  // post-processor with a pair template; otherwise throws tunebench::Error.
  TypedEncoding encodeTyped(const std::string& a, const std::string* b = nullptr,
                            bool addSpecial = true) const;

  // encode() with offsets. Exact for byte-level tokenizers whose normalizer leaves the text
  // unchanged (GPT-2, Llama-3; Qwen2 for NFC text); otherwise throws tunebench::Error.
  TokenOffsets encodeWithOffsets(const std::string& text, bool addSpecial = true) const;

  // The text pieces the model sees, after added-token splitting, normalization and
  // pre-tokenization (exposed for tests and tools).
  std::vector<std::string> preTokens(const std::string& text) const;
  const TokenizerModel& model() const { return *model_; }
  const std::vector<int>& prefixIds() const { return prefix_; }
  const std::vector<int>& suffixIds() const { return suffix_; }

 private:
  BpeTokenizer() = default;
  void readPostProcessor(const JsonNode& node);
  std::vector<int> encodeSequence(const std::string& text) const;
  void applyConfig(const TokenizerConfig& config);
  // Segments ready for the model: added tokens (id set) and pre-tokens (text set).
  std::vector<InputSegment> segments(const std::string& text) const;

  std::unique_ptr<TokenizerModel> model_;
  std::vector<NormalizerStep> normalizer_;
  std::vector<PreTokenizerStep> preTokenizer_;
  std::vector<DecoderStep> decoder_;
  std::vector<AddedToken> added_;
  std::unordered_map<int, size_t> addedById_;
  std::unordered_map<std::string, int> addedByContent_;
  std::unique_ptr<AddedTokenSplitter> rawSplitter_, normalizedSplitter_;
  std::vector<int> prefix_, suffix_;  // around one sequence (tokenizer_config.json may rebuild)
  std::vector<TemplatePart> singleTemplate_;
  std::optional<std::vector<TemplatePart>> pairTemplate_;
  SpecialTokenIds special_;
};

}  // namespace tunebench
