// The decoders of tokenizer.json: parseDecoder and decodeTokens (declared in TokenizerSteps.h).
#include <re2/re2.h>

#include "common/Error.h"
#include "common/Utf8.h"
#include "tokenizer/ByteLevel.h"
#include "tokenizer/StepHelpers.h"
#include "tokenizer/TokenizerSteps.h"

namespace tunebench {

using steps::replaceAll;

std::vector<DecoderStep> parseDecoder(const JsonNode& node) {
  std::vector<DecoderStep> steps;
  for (const JsonNode& item : steps::flattenSequence(node, "decoders")) {
    const std::string type = item.at("type").str();
    DecoderStep step;
    using Kind = DecoderStep::Kind;
    if (type == "ByteLevel") {
      step.kind = Kind::ByteLevel;
    } else if (type == "Replace") {
      step.kind = Kind::Replace;
      const auto [pattern, isRegex] = steps::readPattern(item);
      step.pattern = pattern;
      step.content = item.at("content").str();
      if (isRegex) step.regex = steps::compileReplaceRegex(item, pattern);
    } else if (type == "ByteFallback") {
      step.kind = Kind::ByteFallback;
    } else if (type == "Fuse") {
      step.kind = Kind::Fuse;
    } else if (type == "Strip") {
      step.kind = Kind::Strip;
      step.content = item.at("content").str();
      step.start = static_cast<int>(item.at("start").integer());
      step.stop = static_cast<int>(item.at("stop").integer());
      if (step.start < 0 || step.stop < 0) item.fail("start and stop must not be negative");
    } else if (type == "Metaspace") {
      step.kind = Kind::Metaspace;
      step.replacement = item.strOr("replacement", "\xE2\x96\x81");
      const std::string scheme = item.strOr("prepend_scheme", "always");
      step.prependSpace = scheme != "never" && item.boolOr("add_prefix_space", true);
    } else if (type == "WordPiece") {
      step.kind = Kind::WordPiece;
      step.prefix = item.strOr("prefix", "##");
      step.cleanup = item.boolOr("cleanup", true);
    } else if (type == "BPEDecoder") {
      step.kind = Kind::Bpe;
      step.prefix = item.strOr("suffix", "</w>");
    } else {
      item.at("type").fail("decoder \"" + type +
                           "\" is not supported (supported: ByteLevel, Replace, ByteFallback, "
                           "Fuse, Strip, Metaspace, WordPiece, BPEDecoder, Sequence)");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The Python library's clean-up of spaces before punctuation and contractions.
std::string cleanupTokenizationSpaces(std::string text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."},   {" ?", "?"},     {" !", "!"},    {" ,", ","},
      {" ' ", "'"},  {" n't", "n't"}, {" 'm", "'m"},  {" do not", " don't"},
      {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) replaceAll(text, from, to);
  return text;
}

// "<0xNN>" -> NN, else -1.
int parseByteToken(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
  const int high = hexDigit(token[3]), low = hexDigit(token[4]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// ByteFallback: runs of <0xNN> tokens become their bytes when those are valid UTF-8, else one
// replacement character each.
std::vector<std::string> decodeByteTokens(std::vector<std::string> tokens) {
  std::vector<std::string> next;
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
  return next;
}

// Strip: up to `start` copies of the content character off each token's front, `stop` off its end.
std::vector<std::string> stripTokens(const DecoderStep& step, std::vector<std::string> tokens) {
  const auto target = utf8ToCodePoints(step.content);
  const char32_t c = target.empty() ? 0 : target[0];
  std::vector<std::string> next;
  for (auto& token : tokens) {
    const auto cps = utf8ToCodePoints(token);
    size_t b = 0, e = cps.size();
    for (int i = 0; i < step.start && b < e && cps[b] == c; ++i) ++b;
    for (int i = 0; i < step.stop && e > b && cps[e - 1] == c; ++i) --e;
    next.push_back(codePointsToUtf8(cps.substr(b, e - b)));
  }
  return next;
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
          if (step.regex)
            steps::replaceRegex(token, *step.regex, step.content);
          else
            replaceAll(token, step.pattern, step.content);
          next.push_back(std::move(token));
        }
        break;
      case DecoderStep::Kind::ByteFallback:
        next = decodeByteTokens(std::move(tokens));
        break;
      case DecoderStep::Kind::Fuse: {
        std::string all;
        for (const auto& token : tokens) all += token;
        next.push_back(std::move(all));
        break;
      }
      case DecoderStep::Kind::Strip:
        next = stripTokens(step, std::move(tokens));
        break;
      case DecoderStep::Kind::Metaspace:
        // As the Python library: every replacement character of the first token is dropped
        // (unless the prepend scheme is "never"); the others become spaces.
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string token = tokens[i];
          replaceAll(token, step.replacement, i == 0 && step.prependSpace ? "" : " ");
          next.push_back(std::move(token));
        }
        break;
      case DecoderStep::Kind::WordPiece:
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string token = std::move(tokens[i]);
          if (i > 0) {
            if (!step.prefix.empty() && token.compare(0, step.prefix.size(), step.prefix) == 0)
              token.erase(0, step.prefix.size());
            else
              token.insert(0, " ");
          }
          if (step.cleanup) token = cleanupTokenizationSpaces(std::move(token));
          next.push_back(std::move(token));
        }
        break;
      case DecoderStep::Kind::Bpe:
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string token = std::move(tokens[i]);
          replaceAll(token, step.prefix, i + 1 == tokens.size() ? "" : " ");
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
