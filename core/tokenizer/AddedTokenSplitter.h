#pragma once
// Cuts text around added tokens before normalization and BPE see it, honouring their
// lstrip/rstrip/single_word flags. Among tokens starting at the same place the longest wins.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/Tokenizer.h"

namespace tunebench {

struct InputSegment {
  std::string text;   // when tokenId < 0: plain text for the model
  int tokenId = -1;   // the added token matched here
  size_t offset = 0;  // byte offset of the segment in the input
  size_t length = 0;  // input bytes it covers (an added token's stripped whitespace included)
  // For pre-tokens: whether offset/length are exact, whether text is in the byte-level
  // alphabet (one code point per input byte), and whether it starts with an inserted space.
  bool exact = true;
  bool byteMapped = false;
  bool synthetic = false;
};

class AddedTokenSplitter {
 public:
  // Only tokens whose `normalized` flag equals matchNormalized take part.
  AddedTokenSplitter(const std::vector<AddedToken>& tokens, bool matchNormalized);
  std::vector<InputSegment> split(std::string_view text, size_t baseOffset = 0) const;
  bool empty() const { return tokens_.empty(); }

 private:
  std::vector<AddedToken> tokens_;  // longest first
  // Indices into tokens_ by first byte, so that most positions are rejected with one lookup.
  std::array<std::vector<size_t>, 256> byFirstByte_;
};

}  // namespace tunebench
