#include "tokenizer/TokenizerSteps.h"

#include <re2/re2.h>
#include <utf8proc.h>

#include <algorithm>

#include "common/Error.h"
#include "common/Utf8.h"
#include "tokenizer/ByteLevel.h"
#include "tokenizer/StepHelpers.h"

namespace tunebench {

namespace {

using steps::replaceAll;
using Behavior = PreTokenizerStep::Behavior;

// Split's "behavior" names (Hugging Face's SplitDelimiterBehavior).
Behavior readBehavior(const JsonNode& item, const char* key, Behavior fallback) {
  if (!item.has(key)) return fallback;
  static const std::pair<const char*, Behavior> kBehaviors[] = {
      {"Removed", Behavior::Removed},
      {"Isolated", Behavior::Isolated},
      {"MergedWithPrevious", Behavior::MergedWithPrevious},
      {"MergedWithNext", Behavior::MergedWithNext},
      {"Contiguous", Behavior::Contiguous}};
  const std::string behavior = item.at(key).str();
  const auto found = std::find_if(std::begin(kBehaviors), std::end(kBehaviors),
                                  [&](const auto& known) { return behavior == known.first; });
  if (found == std::end(kBehaviors))
    item.at(key).fail("split behavior \"" + behavior +
                      "\" is not supported (supported: Removed, Isolated, MergedWithPrevious, "
                      "MergedWithNext, Contiguous)");
  return found->second;
}

const char* const kSupportedPreTokenizers =
    "Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits, "
    "BertPreTokenizer, Sequence";

}  // namespace

std::vector<PreTokenizerStep> parsePreTokenizer(const JsonNode& node) {
  std::vector<PreTokenizerStep> steps;
  for (const JsonNode& item : steps::flattenSequence(node, "pretokenizers")) {
    const std::string type = item.at("type").str();
    PreTokenizerStep step;
    step.kind = PreTokenizerStep::Kind::Split;
    using Kind = PreTokenizerStep::Kind;
    if (type == "Split") {
      const auto [pattern, isRegex] = steps::readPattern(item);
      std::string regex = pattern;
      if (!isRegex) regex = re2::RE2::QuoteMeta(pattern);
      try {
        step.regex = std::make_shared<SplitRegex>(regex);
      } catch (const Error& e) {
        item.at("pattern").fail(e.what());
      }
      (void)item.at("behavior");  // required in Split: a missing one is named
      step.behavior = readBehavior(item, "behavior", Behavior::Isolated);
      step.invert = item.boolOr("invert", false);
    } else if (type == "ByteLevel") {
      step.kind = Kind::ByteLevel;
      step.addPrefixSpace = item.boolOr("add_prefix_space", false);
      if (item.boolOr("use_regex", true))
        step.regex = std::make_shared<SplitRegex>(kGpt2SplitPattern);
    } else if (type == "Metaspace") {
      step.kind = Kind::Metaspace;
      step.replacement = item.strOr("replacement", "\xE2\x96\x81");
      if (item.has("prepend_scheme")) {
        step.prependScheme = item.at("prepend_scheme").str();
        if (step.prependScheme != "always" && step.prependScheme != "first" &&
            step.prependScheme != "never")
          item.at("prepend_scheme").fail("expected always, first or never");
      } else {
        step.prependScheme = item.boolOr("add_prefix_space", true) ? "always" : "never";
      }
      step.splitOnReplacement = item.boolOr("split", true);
    } else if (type == "Whitespace") {
      step.kind = Kind::Whitespace;
    } else if (type == "WhitespaceSplit") {
      step.kind = Kind::WhitespaceSplit;
    } else if (type == "Punctuation") {
      step.kind = Kind::Punctuation;
      step.behavior = readBehavior(item, "behavior", Behavior::Isolated);
    } else if (type == "Digits") {
      step.kind = Kind::Digits;
      step.individualDigits = item.boolOr("individual_digits", false);
    } else if (type == "BertPreTokenizer") {
      step.kind = Kind::Bert;
    } else {
      item.at("type").fail("pre-tokenizer \"" + type +
                           "\" is not supported (supported: " + kSupportedPreTokenizers + ")");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

namespace {

using Piece = std::pair<SplitRegex::Range, bool>;  // range, is a (flagged) match

// What becomes of the flagged pieces, as Hugging Face's tokenizers do it: dropped, kept apart,
// glued to the piece before or after, or runs of equal flags joined.
std::vector<SplitRegex::Range> applyBehavior(const std::vector<Piece>& pieces, Behavior behavior) {
  std::vector<SplitRegex::Range> out;
  bool previousMatch = false;
  switch (behavior) {
    case Behavior::Removed:
      for (const auto& [range, match] : pieces)
        if (!match) out.push_back(range);
      break;
    case Behavior::Isolated:
      for (const auto& piece : pieces) out.push_back(piece.first);
      break;
    case Behavior::MergedWithPrevious:
      for (const auto& [range, match] : pieces) {
        if (match && !previousMatch && !out.empty())
          out.back().second = range.second;
        else
          out.push_back(range);
        previousMatch = match;
      }
      break;
    case Behavior::MergedWithNext:
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        if (it->second && !previousMatch && !out.empty())
          out.back().first = it->first.first;
        else
          out.push_back(it->first);
        previousMatch = it->second;
      }
      std::reverse(out.begin(), out.end());
      break;
    case Behavior::Contiguous:
      for (const auto& [range, match] : pieces) {
        if (match == previousMatch && !out.empty())
          out.back().second = range.second;
        else
          out.push_back(range);
        previousMatch = match;
      }
      break;
  }
  return out;
}

// The pieces of a Split pre-tokenizer: the matches and the text between them in order, flagged,
// with `invert` swapping the flags.
std::vector<SplitRegex::Range> splitRanges(const SplitRegex& regex, std::string_view text,
                                           Behavior behavior, bool invert) {
  std::vector<Piece> pieces;
  size_t gap = 0;
  for (const auto& m : regex.matches(text)) {
    if (m.first > gap) pieces.push_back({{gap, m.first}, invert});
    if (m.second > m.first) pieces.push_back({m, !invert});
    gap = m.second;
  }
  if (gap < text.size()) pieces.push_back({{gap, text.size()}, invert});
  return applyBehavior(pieces, behavior);
}

// A character-predicate split (the Python library's Pattern for Fn(char) -> bool): each matching
// character is a flagged piece of its own, each run of other characters one unflagged piece.
template <typename Predicate>
std::vector<SplitRegex::Range> splitOnCharacters(std::string_view text, Predicate matches,
                                                 Behavior behavior) {
  std::vector<Piece> pieces;
  size_t gap = 0;
  for (size_t at = 0; at < text.size();) {
    const Utf8Char c = utf8CharAt(text, at);
    const size_t length = c.length > 0 ? c.length : 1;
    if (matches(c.codePoint)) {
      if (at > gap) pieces.push_back({{gap, at}, false});
      pieces.push_back({{at, at + length}, true});
      gap = at + length;
    }
    at += length;
  }
  if (gap < text.size()) pieces.push_back({{gap, text.size()}, false});
  return applyBehavior(pieces, behavior);
}

int categoryOf(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

// Rust's char::is_numeric: Nd, Nl and No.
bool isNumeric(char32_t c) {
  const int category = categoryOf(c);
  return category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL ||
         category == UTF8PROC_CATEGORY_NO;
}

// The Python library's is_punc: ASCII punctuation (symbols such as $ + < = > ^ ` | ~ included)
// or a Unicode punctuation category (Pc Pd Ps Pe Pi Pf Po).
bool isPunctuation(char32_t c) {
  if (c < 0x80)
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  const int category = categoryOf(c);
  return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

// \w of the Rust regex crate (which the Whitespace pre-tokenizer uses): Alphabetic, marks,
// decimal digits, connector punctuation and the joiners U+200C/U+200D. Alphabetic is taken as
// letters and letter numbers (it also holds a few symbols, such as the circled letters).
bool isWordChar(char32_t c) {
  if (c == 0x200C || c == 0x200D) return true;
  const int category = categoryOf(c);
  return (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
         (category >= UTF8PROC_CATEGORY_MN && category <= UTF8PROC_CATEGORY_ME) ||
         category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL ||
         category == UTF8PROC_CATEGORY_PC;
}

// Whitespace: the matches of \w+|[^\w\s]+ kept, whitespace dropped.
std::vector<SplitRegex::Range> whitespaceRanges(std::string_view text) {
  std::vector<SplitRegex::Range> out;
  int runClass = 0;  // 0 space, 1 word, 2 other
  for (size_t at = 0; at < text.size();) {
    const Utf8Char c = utf8CharAt(text, at);
    const size_t length = c.length > 0 ? c.length : 1;
    const int cls = isWordChar(c.codePoint) ? 1 : isUnicodeWhitespace(c.codePoint) ? 0 : 2;
    if (cls != 0 && cls == runClass)
      out.back().second = at + length;
    else if (cls != 0)
      out.emplace_back(at, at + length);
    runClass = cls;
    at += length;
  }
  return out;
}

// BertPreTokenizer: split on whitespace (dropped), then each punctuation character alone.
std::vector<SplitRegex::Range> bertRanges(std::string_view text) {
  std::vector<SplitRegex::Range> out;
  bool inWord = false;
  for (size_t at = 0; at < text.size();) {
    const Utf8Char c = utf8CharAt(text, at);
    const size_t length = c.length > 0 ? c.length : 1;
    if (isUnicodeWhitespace(c.codePoint)) {
      inWord = false;
    } else if (isPunctuation(c.codePoint)) {
      out.emplace_back(at, at + length);
      inWord = false;
    } else if (inWord) {
      out.back().second = at + length;
    } else {
      out.emplace_back(at, at + length);
      inWord = true;
    }
    at += length;
  }
  return out;
}

// The byte ranges a non-Metaspace step cuts text into.
std::vector<SplitRegex::Range> stepRanges(const PreTokenizerStep& step, std::string_view text) {
  using Kind = PreTokenizerStep::Kind;
  switch (step.kind) {
    case Kind::Split:
      return splitRanges(*step.regex, text, step.behavior, step.invert);
    case Kind::Whitespace:
      return whitespaceRanges(text);
    case Kind::WhitespaceSplit:
      return splitOnCharacters(text, isUnicodeWhitespace, Behavior::Removed);
    case Kind::Punctuation:
      return splitOnCharacters(text, isPunctuation, step.behavior);
    case Kind::Digits:
      return splitOnCharacters(text, isNumeric,
                               step.individualDigits ? Behavior::Isolated : Behavior::Contiguous);
    case Kind::Bert:
      return bertRanges(text);
    case Kind::ByteLevel:
    case Kind::Metaspace:
      break;
  }
  if (step.regex) return step.regex->isolated(text);
  return {{0, text.size()}};
}

}  // namespace

std::vector<PreToken> preTokenize(const std::vector<PreTokenizerStep>& steps,
                                  std::vector<PreToken> pieces) {
  for (const auto& step : steps) {
    std::vector<PreToken> next;
    next.reserve(pieces.size());
    for (auto& piece : pieces) {
      std::string text = std::move(piece.text);
      if (step.kind == PreTokenizerStep::Kind::Metaspace) {
        replaceAll(text, " ", step.replacement);
        const bool prepend =
            step.prependScheme == "always" || (step.prependScheme == "first" && piece.first);
        if (prepend && text.compare(0, step.replacement.size(), step.replacement) != 0)
          text = step.replacement + text;
        if (!step.splitOnReplacement) {
          next.push_back({text, piece.first, piece.offset, false});
          continue;
        }
        // Each piece starts at a replacement character ("merged with next").
        size_t start = 0, hit = text.find(step.replacement, 1);
        while (hit != std::string::npos) {
          next.push_back(
              {text.substr(start, hit - start), piece.first && start == 0, piece.offset, false});
          start = hit;
          hit = text.find(step.replacement, hit + step.replacement.size());
        }
        if (start < text.size())
          next.push_back({text.substr(start), piece.first && start == 0, piece.offset, false});
        continue;
      }
      bool added = false;
      if (step.kind == PreTokenizerStep::Kind::ByteLevel && step.addPrefixSpace &&
          text.compare(0, 1, " ") != 0) {
        text = " " + text;
        added = true;
      }
      const std::vector<SplitRegex::Range> ranges = stepRanges(step, text);
      for (const auto& [b, e] : ranges) {
        std::string part = text.substr(b, e - b);
        if (step.kind == PreTokenizerStep::Kind::ByteLevel) part = byteLevelEncode(part);
        if (part.empty()) continue;
        PreToken out{std::move(part), piece.first && b == 0};
        // Offsets are followed through splits of unmapped text only (the families' order).
        out.exact = piece.exact && !piece.byteMapped;
        out.offset = piece.offset + b - (added && b > 0 ? 1 : 0);
        out.synthetic = (added && b == 0) || (piece.synthetic && b == 0);
        out.byteMapped = piece.byteMapped || step.kind == PreTokenizerStep::Kind::ByteLevel;
        next.push_back(std::move(out));
      }
    }
    pieces = std::move(next);
  }
  return pieces;
}

bool usesByteLevel(const std::vector<PreTokenizerStep>& steps) {
  for (const auto& step : steps)
    if (step.kind == PreTokenizerStep::Kind::ByteLevel) return true;
  return false;
}

}  // namespace tunebench
