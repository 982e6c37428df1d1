#pragma once
// The WordPiece model of tokenizer.json (BERT): greedy longest-match-first over the vocabulary,
// pieces after the first carrying the continuing-subword prefix ("##"); a word with a part that
// matches nothing, or longer than max_input_chars_per_word characters, is the unknown token.
#include <optional>
#include <string>
#include <unordered_map>

#include "tokenizer/TokenizerModel.h"

namespace tunebench {

class WordPieceModel : public TokenizerModel {
 public:
  // Throws tunebench::Error (without file context) when ids are duplicated.
  WordPieceModel(std::unordered_map<std::string, int> vocab, std::string unkToken,
                 std::string continuingSubwordPrefix, size_t maxInputCharsPerWord);

  std::vector<int> encodeWord(const std::string& word) const override;
  int tokenToId(const std::string& token) const override;
  const std::string* idToToken(int id) const override;
  int maxId() const override { return maxId_; }
  std::optional<std::string> unkToken() const override { return unkToken_; }
  std::string kind() const override { return "wordpiece"; }

 private:
  int unkId() const;

  std::unordered_map<std::string, int> vocab_;
  std::unordered_map<int, std::string> idToToken_;
  std::string unkToken_;
  std::string prefix_;
  size_t maxChars_;
  int maxId_ = -1;
};

}  // namespace tunebench
