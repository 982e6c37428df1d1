#pragma once
// The normalizer, pre-tokenizer and decoder stages of tokenizer.json, as the Python `tokenizers`
// library defines them. A Sequence (nested or not) is flattened into the list of its steps.
// Normalizers and pre-tokenizers are in Normalizers.cpp and TokenizerSteps.cpp, decoders in
// TokenDecoders.cpp.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/JsonNode.h"
#include "tokenizer/SplitRegex.h"

namespace re2 {
class RE2;
}

namespace tunebench {

struct NormalizerStep {
  enum class Kind { Nfc, Nfd, Nfkc, Nfkd, Lowercase, Prepend, Replace, Strip, StripAccents, Bert };
  Kind kind = Kind::Nfc;
  std::string text;                  // Prepend: what; Replace: the literal pattern
  std::string content;               // Replace: the replacement
  std::shared_ptr<re2::RE2> regex;   // Replace with a Regex pattern
  bool left = false, right = false;  // Strip
  // BertNormalizer: clean_text, handle_chinese_chars, strip_accents (null: as lowercase),
  // lowercase.
  bool cleanText = true, chineseChars = true, lowercase = true;
  std::optional<bool> stripAccents;
};

struct PreTokenizerStep {
  enum class Kind {
    Split,
    ByteLevel,
    Metaspace,
    Whitespace,       // \w+|[^\w\s]+ kept, the rest dropped
    WhitespaceSplit,  // split on whitespace, dropped
    Punctuation,      // punctuation characters split with `behavior`
    Digits,           // numeric characters: each alone, or runs together
    Bert              // whitespace dropped, then each punctuation character alone
  };
  Kind kind = Kind::Split;
  std::shared_ptr<SplitRegex> regex;  // Split, or ByteLevel with use_regex
  // Split: what becomes of the matches (Hugging Face's SplitDelimiterBehavior); `invert` swaps
  // the roles of the matches and the text between them.
  enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
  Behavior behavior = Behavior::Isolated;
  bool invert = false;
  bool individualDigits = false;    // Digits
  bool addPrefixSpace = false;      // ByteLevel
  std::string replacement;          // Metaspace
  std::string prependScheme;        // Metaspace: always | first | never
  bool splitOnReplacement = false;  // Metaspace split
};

struct DecoderStep {
  enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, WordPiece, Bpe };
  Kind kind = Kind::ByteLevel;
  std::string pattern, content;     // Replace (literal pattern); Strip: content
  std::shared_ptr<re2::RE2> regex;  // Replace with a Regex pattern
  int start = 0, stop = 0;          // Strip
  std::string replacement;          // Metaspace
  bool prependSpace = true;         // Metaspace: the first token's leading space is dropped
  std::string prefix;               // WordPiece: continuing-subword prefix; BPEDecoder: suffix
  bool cleanup = false;             // WordPiece: the tokenization-spaces clean-up
};

// A pre-token with whether it starts the text (Metaspace's "first" scheme needs that).
struct PreToken {
  std::string text;
  bool first = false;
  // Where the piece came from in the text given to preTokenize (see InputSegment).
  size_t offset = 0;
  bool exact = true;
  bool byteMapped = false;
  bool synthetic = false;
};

std::vector<NormalizerStep> parseNormalizer(const JsonNode& node);
std::vector<PreTokenizerStep> parsePreTokenizer(const JsonNode& node);
std::vector<DecoderStep> parseDecoder(const JsonNode& node);

std::string normalize(const std::vector<NormalizerStep>& steps, std::string text);
std::vector<PreToken> preTokenize(const std::vector<PreTokenizerStep>& steps,
                                  std::vector<PreToken> pieces);
// Whether any step maps bytes to the byte-level alphabet.
bool usesByteLevel(const std::vector<PreTokenizerStep>& steps);
// Tokens -> text; the result is valid UTF-8.
std::string decodeTokens(const std::vector<DecoderStep>& steps, std::vector<std::string> tokens);

}  // namespace tunebench
