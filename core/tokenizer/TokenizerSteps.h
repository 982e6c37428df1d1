#pragma once
// The normalizer, pre-tokenizer and decoder stages of tokenizer.json that the byte-level BPE
// families (GPT-2, Llama-3, Qwen2) and the sentencepiece-style BPE files (Llama-2, Mistral) use.
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/JsonNode.h"
#include "tokenizer/SplitRegex.h"

namespace re2 {
class RE2;
}

namespace tunebench {

struct NormalizerStep {
  enum class Kind { Nfc, Nfd, Nfkc, Nfkd, Lowercase, Prepend, Replace, Strip };
  Kind kind;
  std::string text;                  // Prepend: what; Replace: the literal pattern
  std::string content;               // Replace: the replacement
  std::shared_ptr<re2::RE2> regex;   // Replace with a Regex pattern
  bool left = false, right = false;  // Strip
};

struct PreTokenizerStep {
  enum class Kind { Split, ByteLevel, Metaspace };
  Kind kind;
  std::shared_ptr<SplitRegex> regex;  // Split, or ByteLevel with use_regex
  // Split: what becomes of the matches (Hugging Face's SplitDelimiterBehavior); `invert` swaps
  // the roles of the matches and the text between them.
  enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
  Behavior behavior = Behavior::Isolated;
  bool invert = false;
  bool addPrefixSpace = false;      // ByteLevel
  std::string replacement;          // Metaspace
  std::string prependScheme;        // Metaspace: always | first | never
  bool splitOnReplacement = false;  // Metaspace split
};

struct DecoderStep {
  enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace };
  Kind kind;
  std::string pattern, content;  // Replace (literal pattern); Strip: content
  int start = 0, stop = 0;       // Strip
  std::string replacement;       // Metaspace
  bool prependSpace = true;      // Metaspace: the first token's leading space is dropped
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
