#pragma once
// A sentencepiece tokenizer.model behind the Tokenizer interface, with the special tokens of
// tokenizer_config.json split out of the text first (as the HF Llama tokenizer does).
#include <memory>
#include <unordered_map>

#include "tokenizer/AddedTokenSplitter.h"
#include "tokenizer/SentencePieceProcessor.h"
#include "tokenizer/Tokenizer.h"
#include "tokenizer/TokenizerConfig.h"

namespace tunebench {

class SentencePieceTokenizer : public Tokenizer {
 public:
  // BOS is added by default and EOS is not, unless the config says otherwise.
  SentencePieceTokenizer(SentencePieceProcessor processor, const TokenizerConfig* config = nullptr);
  static std::unique_ptr<SentencePieceTokenizer> fromFile(const std::string& path,
                                                          const TokenizerConfig* config = nullptr);

  std::vector<int> encode(const std::string& text, bool addSpecial = true) const override;
  std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const override;
  std::string idToToken(int id) const override;
  int tokenToId(const std::string& token) const override;
  int vocabSize() const override;
  SpecialTokenIds specialIds() const override { return special_; }
  std::vector<AddedToken> addedTokens() const override { return added_; }
  std::string kind() const override { return "sentencepiece"; }

  const SentencePieceProcessor& processor() const { return processor_; }

 private:
  SentencePieceProcessor processor_;
  std::vector<AddedToken> added_;
  std::unordered_map<int, size_t> addedById_;
  std::unique_ptr<AddedTokenSplitter> splitter_;
  SpecialTokenIds special_;
  bool addBos_ = true, addEos_ = false;
};

}  // namespace tunebench
