#pragma once
// The tokenizer interface the rest of the core uses, whatever file the tokenizer came from
// (tokenizer.json byte-level BPE or a sentencepiece tokenizer.model).
#include <string>
#include <vector>

namespace tunebench {

// A token matched in the raw text before the model sees it (HF "added tokens").
struct AddedToken {
  int id = -1;
  std::string content;
  bool special = false;     // skipped by decode(..., skipSpecial = true)
  bool lstrip = false;      // swallows the whitespace on its left
  bool rstrip = false;      // swallows the whitespace on its right
  bool normalized = false;  // matched in the normalized text rather than the raw text
  bool singleWord = false;  // only matched when not inside a word
};

// Ids of the tokens with a role; -1 when the tokenizer has none.
struct SpecialTokenIds {
  int bos = -1;
  int eos = -1;
  int pad = -1;
  int unk = -1;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // addSpecial adds what the tokenizer's rules add around a sequence (usually BOS).
  virtual std::vector<int> encode(const std::string& text, bool addSpecial = true) const = 0;
  // Invalid UTF-8 (a sequence cut inside a character) becomes U+FFFD.
  virtual std::string decode(const std::vector<int>& ids, bool skipSpecial = false) const = 0;
  // Throws tunebench::Error for an id outside [0, vocabSize()).
  virtual std::string idToToken(int id) const = 0;
  // -1 when the token is not in the vocabulary.
  virtual int tokenToId(const std::string& token) const = 0;
  virtual int vocabSize() const = 0;

  virtual SpecialTokenIds specialIds() const = 0;
  virtual std::vector<AddedToken> addedTokens() const = 0;
  // "bpe", "unigram" or "wordpiece" (tokenizer.json) or "sentencepiece" (tokenizer.model).
  virtual std::string kind() const = 0;

  bool isSpecial(int id) const;
};

}  // namespace tunebench
