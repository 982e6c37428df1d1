#include "tokenizer/TokenizerSteps.h"

#include <re2/re2.h>
#include <utf8proc.h>
#include <algorithm>

#include <cstdlib>

#include "common/Error.h"
#include "common/Utf8.h"
#include "tokenizer/ByteLevel.h"

namespace tunebench {

namespace {

std::vector<JsonNode> sequenceOrSelf(const JsonNode& node, const char* listKey) {
  if (node.at("type").str() == "Sequence") return node.at(listKey).items();
  return {node};
}

// A Replace/Split "pattern" member: {"String": "..."} or {"Regex": "..."}.
std::pair<std::string, bool> readPattern(const JsonNode& node) {
  const JsonNode pattern = node.at("pattern");
  if (pattern.has("String")) return {pattern.at("String").str(), false};
  if (pattern.has("Regex")) return {pattern.at("Regex").str(), true};
  pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

std::string unicodeNormalize(const std::string& text, utf8proc_option_t options) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &out,
                              static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
  if (n < 0) throw Error(std::string("normalizing text: ") + utf8proc_errmsg(n));
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  std::string out;
  size_t pos = 0, hit;
  while ((hit = text.find(from, pos)) != std::string::npos) {
    out.append(text, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(text, pos, std::string::npos);
  text.swap(out);
}

}  // namespace

std::vector<NormalizerStep> parseNormalizer(const JsonNode& node) {
  std::vector<NormalizerStep> steps;
  for (const JsonNode& item : sequenceOrSelf(node, "normalizers")) {
    const std::string type = item.at("type").str();
    NormalizerStep step{NormalizerStep::Kind::Nfc, {}, {}, nullptr, false, false};
    if (type == "NFC") {
      step.kind = NormalizerStep::Kind::Nfc;
    } else if (type == "NFD") {
      step.kind = NormalizerStep::Kind::Nfd;
    } else if (type == "NFKC") {
      step.kind = NormalizerStep::Kind::Nfkc;
    } else if (type == "NFKD") {
      step.kind = NormalizerStep::Kind::Nfkd;
    } else if (type == "Lowercase") {
      step.kind = NormalizerStep::Kind::Lowercase;
    } else if (type == "Prepend") {
      step.kind = NormalizerStep::Kind::Prepend;
      step.text = item.at("prepend").str();
    } else if (type == "Replace") {
      step.kind = NormalizerStep::Kind::Replace;
      const auto [pattern, isRegex] = readPattern(item);
      step.text = pattern;
      step.content = item.at("content").str();
      if (isRegex) {
        step.regex = std::make_shared<re2::RE2>(SplitRegex::translate(pattern), re2::RE2::Quiet);
        if (!step.regex->ok())
          item.at("pattern").fail("regex not supported: " + step.regex->error());
      }
    } else if (type == "Strip") {
      step.kind = NormalizerStep::Kind::Strip;
      step.left = item.boolOr("strip_left", false);
      step.right = item.boolOr("strip_right", false);
    } else if (type == "Sequence") {
      item.fail("nested normalizer sequences are not supported");
    } else {
      item.at("type").fail("normalizer \"" + type +
                           "\" is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, "
                           "Prepend, Replace, Strip, Sequence)");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<PreTokenizerStep> parsePreTokenizer(const JsonNode& node) {
  std::vector<PreTokenizerStep> steps;
  for (const JsonNode& item : sequenceOrSelf(node, "pretokenizers")) {
    const std::string type = item.at("type").str();
    PreTokenizerStep step{PreTokenizerStep::Kind::Split,
                          nullptr,
                          PreTokenizerStep::Behavior::Isolated,
                          false,
                          false,
                          {},
                          {},
                          false};
    if (type == "Split") {
      const auto [pattern, isRegex] = readPattern(item);
      std::string regex = pattern;
      if (!isRegex) regex = re2::RE2::QuoteMeta(pattern);
      try {
        step.regex = std::make_shared<SplitRegex>(regex);
      } catch (const Error& e) {
        item.at("pattern").fail(e.what());
      }
      using Behavior = PreTokenizerStep::Behavior;
      static const std::pair<const char*, Behavior> kBehaviors[] = {
          {"Removed", Behavior::Removed},
          {"Isolated", Behavior::Isolated},
          {"MergedWithPrevious", Behavior::MergedWithPrevious},
          {"MergedWithNext", Behavior::MergedWithNext},
          {"Contiguous", Behavior::Contiguous}};
      const std::string behavior = item.at("behavior").str();
      const auto found = std::find_if(std::begin(kBehaviors), std::end(kBehaviors),
                                      [&](const auto& known) { return behavior == known.first; });
      if (found == std::end(kBehaviors))
        item.at("behavior")
            .fail("split behavior \"" + behavior +
                  "\" is not supported (supported: Removed, Isolated, MergedWithPrevious, "
                  "MergedWithNext, Contiguous)");
      step.behavior = found->second;
      step.invert = item.boolOr("invert", false);
    } else if (type == "ByteLevel") {
      step.kind = PreTokenizerStep::Kind::ByteLevel;
      step.addPrefixSpace = item.boolOr("add_prefix_space", false);
      if (item.boolOr("use_regex", true))
        step.regex = std::make_shared<SplitRegex>(kGpt2SplitPattern);
    } else if (type == "Metaspace") {
      step.kind = PreTokenizerStep::Kind::Metaspace;
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
    } else if (type == "Sequence") {
      item.fail("nested pre-tokenizer sequences are not supported");
    } else {
      item.at("type").fail(
          "pre-tokenizer \"" + type +
          "\" is not supported (supported: Split, ByteLevel, Metaspace, Sequence)");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<DecoderStep> parseDecoder(const JsonNode& node) {
  std::vector<DecoderStep> steps;
  for (const JsonNode& item : sequenceOrSelf(node, "decoders")) {
    const std::string type = item.at("type").str();
    DecoderStep step{DecoderStep::Kind::ByteLevel, {}, {}, 0, 0, {}, true};
    if (type == "ByteLevel") {
      step.kind = DecoderStep::Kind::ByteLevel;
    } else if (type == "Replace") {
      step.kind = DecoderStep::Kind::Replace;
      const auto [pattern, isRegex] = readPattern(item);
      if (isRegex)
        item.at("pattern").fail("regex patterns in the Replace decoder are not supported");
      step.pattern = pattern;
      step.content = item.at("content").str();
    } else if (type == "ByteFallback") {
      step.kind = DecoderStep::Kind::ByteFallback;
    } else if (type == "Fuse") {
      step.kind = DecoderStep::Kind::Fuse;
    } else if (type == "Strip") {
      step.kind = DecoderStep::Kind::Strip;
      step.content = item.at("content").str();
      step.start = static_cast<int>(item.at("start").integer());
      step.stop = static_cast<int>(item.at("stop").integer());
      if (step.start < 0 || step.stop < 0) item.fail("start and stop must not be negative");
    } else if (type == "Metaspace") {
      step.kind = DecoderStep::Kind::Metaspace;
      step.replacement = item.strOr("replacement", "\xE2\x96\x81");
      const std::string scheme = item.strOr("prepend_scheme", "always");
      step.prependSpace = scheme != "never" && item.boolOr("add_prefix_space", true);
    } else if (type == "Sequence") {
      item.fail("nested decoder sequences are not supported");
    } else {
      item.at("type").fail(
          "decoder \"" + type +
          "\" is not supported (supported: ByteLevel, Replace, ByteFallback, Fuse, "
          "Strip, Metaspace, Sequence)");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::string normalize(const std::vector<NormalizerStep>& steps, std::string text) {
  // Real normalizers grow text a little (a space becomes "▁", a prefix is added); a hostile
  // chain of replacements grows it exponentially. The bound is relative to the input.
  const size_t limit = 16 * text.size() + 4096;
  for (size_t index = 0; index < steps.size(); ++index) {
    const auto& step = steps[index];
    const size_t before = text.size();
    const auto refuse = [&](size_t bytes) {
      throw Error("the tokenizer's normalizer step " + std::to_string(index + 1) +
                  " would make the text " + std::to_string(bytes) + " bytes long from " +
                  std::to_string(before) + ", more than the limit of " + std::to_string(limit) +
                  " (16 times the input): the tokenizer is refused");
    };
    if (step.kind == NormalizerStep::Kind::Replace && !step.regex && !step.text.empty() &&
        step.content.size() > step.text.size()) {
      size_t hits = 0;
      for (size_t at = text.find(step.text); at != std::string::npos;
           at = text.find(step.text, at + step.text.size()))
        ++hits;
      const size_t grown = text.size() + hits * (step.content.size() - step.text.size());
      if (grown > limit) refuse(grown);
    }
    switch (step.kind) {
      case NormalizerStep::Kind::Nfc:
        text = unicodeNormalize(text, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE));
        break;
      case NormalizerStep::Kind::Nfd:
        text = unicodeNormalize(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE));
        break;
      case NormalizerStep::Kind::Nfkc:
        text = unicodeNormalize(text,
                                static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
        break;
      case NormalizerStep::Kind::Nfkd:
        text = unicodeNormalize(
            text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
        break;
      case NormalizerStep::Kind::Lowercase: {
        std::u32string cps = utf8ToCodePoints(text);
        for (auto& c : cps)
          c = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
        text = codePointsToUtf8(cps);
        break;
      }
      case NormalizerStep::Kind::Prepend:
        if (!text.empty()) text = step.text + text;
        break;
      case NormalizerStep::Kind::Replace:
        if (step.regex) {
          // In an RE2 rewrite only backslashes are special.
          std::string rewrite = step.content;
          replaceAll(rewrite, "\\", "\\\\");
          re2::RE2::GlobalReplace(&text, *step.regex, rewrite);
        } else
          replaceAll(text, step.text, step.content);
        break;
      case NormalizerStep::Kind::Strip: {
        auto cps = utf8ToCodePoints(text);
        size_t b = 0, e = cps.size();
        if (step.left)
          while (b < e && isUnicodeWhitespace(cps[b])) ++b;
        if (step.right)
          while (e > b && isUnicodeWhitespace(cps[e - 1])) --e;
        text = codePointsToUtf8(cps.substr(b, e - b));
        break;
      }
    }
    if (text.size() > limit) refuse(text.size());
  }
  return text;
}

namespace {

// The pieces of a Split pre-tokenizer, as Hugging Face's tokenizers cut them: the matches and
// the text between them in order (flagged, with `invert` swapping the flags), then per behavior
// the flagged pieces dropped, kept apart, glued to the piece before or after, or runs of equal
// flags joined.
std::vector<SplitRegex::Range> splitRanges(const SplitRegex& regex, std::string_view text,
                                           PreTokenizerStep::Behavior behavior, bool invert) {
  std::vector<std::pair<SplitRegex::Range, bool>> pieces;  // range, is a (flagged) match
  size_t gap = 0;
  for (const auto& m : regex.matches(text)) {
    if (m.first > gap) pieces.push_back({{gap, m.first}, invert});
    if (m.second > m.first) pieces.push_back({m, !invert});
    gap = m.second;
  }
  if (gap < text.size()) pieces.push_back({{gap, text.size()}, invert});

  using Behavior = PreTokenizerStep::Behavior;
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
      std::vector<SplitRegex::Range> ranges;
      if (!step.regex)
        ranges.emplace_back(0, text.size());
      else if (step.kind == PreTokenizerStep::Kind::Split)
        ranges = splitRanges(*step.regex, text, step.behavior, step.invert);
      else
        ranges = step.regex->isolated(text);
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

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "<0xNN>" -> NN, else -1.
int parseByteToken(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
  const int high = hexDigit(token[3]), low = hexDigit(token[4]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

}  // namespace

std::string decodeTokens(const std::vector<DecoderStep>& steps, std::vector<std::string> tokens) {
  for (const auto& step : steps) {
    std::vector<std::string> next;
    switch (step.kind) {
      case DecoderStep::Kind::ByteLevel: {
        std::string bytes;
        for (const auto& token : tokens) {
          std::string decoded;
          bytes += byteLevelDecode(token, decoded) ? decoded : token;
        }
        next.push_back(toValidUtf8Lossy(bytes));
        break;
      }
      case DecoderStep::Kind::Replace:
        for (auto& token : tokens) {
          replaceAll(token, step.pattern, step.content);
          next.push_back(std::move(token));
        }
        break;
      case DecoderStep::Kind::ByteFallback: {
        std::string pending;
        size_t pendingCount = 0;
        auto flush = [&] {
          if (pendingCount == 0) return;
          if (toValidUtf8Lossy(pending) == pending) {
            next.push_back(pending);
          } else {
            for (size_t i = 0; i < pendingCount; ++i) next.push_back("\xEF\xBF\xBD");
          }
          pending.clear();
          pendingCount = 0;
        };
        for (auto& token : tokens) {
          const int byte = parseByteToken(token);
          if (byte >= 0) {
            pending.push_back(static_cast<char>(byte));
            ++pendingCount;
          } else {
            flush();
            next.push_back(std::move(token));
          }
        }
        flush();
        break;
      }
      case DecoderStep::Kind::Fuse: {
        std::string all;
        for (const auto& token : tokens) all += token;
        next.push_back(std::move(all));
        break;
      }
      case DecoderStep::Kind::Strip:
        for (auto& token : tokens) {
          auto cps = utf8ToCodePoints(token);
          const auto target = utf8ToCodePoints(step.content);
          const char32_t c = target.empty() ? 0 : target[0];
          size_t b = 0, e = cps.size();
          for (int i = 0; i < step.start && b < e && cps[b] == c; ++i) ++b;
          for (int i = 0; i < step.stop && e > b && cps[e - 1] == c; ++i) --e;
          next.push_back(codePointsToUtf8(cps.substr(b, e - b)));
        }
        break;
      case DecoderStep::Kind::Metaspace:
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string token = tokens[i];
          replaceAll(token, step.replacement, " ");
          if (i == 0 && step.prependSpace && token.compare(0, 1, " ") == 0) token.erase(0, 1);
          next.push_back(std::move(token));
        }
        break;
    }
    tokens = std::move(next);
  }
  std::string out;
  for (const auto& token : tokens) out += token;
  return toValidUtf8Lossy(out);
}

}  // namespace tunebench
