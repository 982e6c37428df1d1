#pragma once
// The model stage of tokenizer.json: turns one pre-token into token ids. BPE, Unigram and
// WordPiece implement it (see readTokenizerModel for the JSON forms).
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tunebench {

class JsonNode;

class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;

  // Token ids of one pre-token.
  virtual std::vector<int> encodeWord(const std::string& word) const = 0;
  virtual int tokenToId(const std::string& token) const = 0;  // -1 when absent
  virtual const std::string* idToToken(int id) const = 0;     // nullptr when absent
  virtual int maxId() const = 0;
  virtual std::optional<std::string> unkToken() const = 0;
  // "bpe", "unigram" or "wordpiece".
  virtual std::string kind() const = 0;

 protected:
  // The <0xNN> byte tokens of every byte of `piece`, or nothing when the vocabulary lacks one
  // (byte fallback, as BPE and Unigram models do it).
  std::optional<std::vector<int>> byteTokens(const std::string& piece) const;
};

// Reads tokenizer.json's "model" member. Throws tunebench::Error naming the file, the JSON path
// and the problem; an unknown model type is refused with the list of supported ones.
std::unique_ptr<TokenizerModel> readTokenizerModel(const JsonNode& model);

}  // namespace tunebench
