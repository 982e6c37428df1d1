// The normalizers of tokenizer.json: parseNormalizer and normalize (declared in TokenizerSteps.h).
#include <utf8proc.h>

#include <cstdlib>

#include "common/Error.h"
#include "common/Utf8.h"
#include "tokenizer/StepHelpers.h"
#include "tokenizer/TokenizerSteps.h"

namespace tunebench {

namespace {

using steps::replaceAll;

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

utf8proc_category_t categoryOf(char32_t c) {
  return static_cast<utf8proc_category_t>(utf8proc_category(static_cast<utf8proc_int32_t>(c)));
}

// Each character lowercased on its own (no context, so no final sigma), with the full mapping:
// U+0130 is the one character whose lowercase is two (i and U+0307), as in Rust's to_lowercase.
std::string lowercase(const std::string& text) {
  std::u32string out;
  for (char32_t c : utf8ToCodePoints(text)) {
    if (c == 0x130) {
      out += U"i\u0307";
      continue;
    }
    out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
  return codePointsToUtf8(out);
}

// Nonspacing marks (Mn) removed; the text is not decomposed first (pair with NFD for that).
std::string stripNonspacingMarks(const std::string& text) {
  std::u32string out;
  for (char32_t c : utf8ToCodePoints(text))
    if (categoryOf(c) != UTF8PROC_CATEGORY_MN) out.push_back(c);
  return codePointsToUtf8(out);
}

// BERT's CJK ideograph blocks (the Python library's is_chinese_char).
bool isChineseChar(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::string bertNormalize(const NormalizerStep& step, std::string text) {
  if (step.cleanText || step.chineseChars) {
    std::u32string out;
    for (char32_t c : utf8ToCodePoints(text)) {
      if (step.cleanText) {
        const auto category = categoryOf(c);
        const bool control =
            c != '\t' && c != '\n' && c != '\r' &&
            (category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF ||
             category == UTF8PROC_CATEGORY_CN || category == UTF8PROC_CATEGORY_CO ||
             category == UTF8PROC_CATEGORY_CS);
        if (c == 0 || c == 0xFFFD || control) continue;
        if (isUnicodeWhitespace(c)) c = ' ';
      }
      if (step.chineseChars && isChineseChar(c)) {
        out += U' ';
        out += c;
        out += U' ';
      } else {
        out += c;
      }
    }
    text = codePointsToUtf8(out);
  }
  if (step.stripAccents.value_or(step.lowercase))
    text = stripNonspacingMarks(
        unicodeNormalize(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE)));
  if (step.lowercase) text = lowercase(text);
  return text;
}

const char* const kSupportedNormalizers =
    "NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer, "
    "Sequence";

}  // namespace

std::vector<NormalizerStep> parseNormalizer(const JsonNode& node) {
  std::vector<NormalizerStep> steps;
  for (const JsonNode& item : steps::flattenSequence(node, "normalizers")) {
    const std::string type = item.at("type").str();
    NormalizerStep step;
    using Kind = NormalizerStep::Kind;
    if (type == "NFC") {
      step.kind = Kind::Nfc;
    } else if (type == "NFD") {
      step.kind = Kind::Nfd;
    } else if (type == "NFKC") {
      step.kind = Kind::Nfkc;
    } else if (type == "NFKD") {
      step.kind = Kind::Nfkd;
    } else if (type == "Lowercase") {
      step.kind = Kind::Lowercase;
    } else if (type == "StripAccents") {
      step.kind = Kind::StripAccents;
    } else if (type == "Prepend") {
      step.kind = Kind::Prepend;
      step.text = item.at("prepend").str();
    } else if (type == "Replace") {
      step.kind = Kind::Replace;
      const auto [pattern, isRegex] = steps::readPattern(item);
      step.text = pattern;
      step.content = item.at("content").str();
      if (isRegex) step.regex = steps::compileReplaceRegex(item, pattern);
    } else if (type == "Strip") {
      step.kind = Kind::Strip;
      step.left = item.boolOr("strip_left", false);
      step.right = item.boolOr("strip_right", false);
    } else if (type == "BertNormalizer") {
      step.kind = Kind::Bert;
      step.cleanText = item.boolOr("clean_text", true);
      step.chineseChars = item.boolOr("handle_chinese_chars", true);
      step.lowercase = item.boolOr("lowercase", true);
      if (item.has("strip_accents")) step.stripAccents = item.at("strip_accents").boolean();
    } else {
      item.at("type").fail("normalizer \"" + type +
                           "\" is not supported (supported: " + kSupportedNormalizers + ")");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

namespace {

std::string applyStep(const NormalizerStep& step, std::string text) {
  using Kind = NormalizerStep::Kind;
  switch (step.kind) {
    case Kind::Nfc:
      return unicodeNormalize(text, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE));
    case Kind::Nfd:
      return unicodeNormalize(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE));
    case Kind::Nfkc:
      return unicodeNormalize(text,
                              static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    case Kind::Nfkd:
      return unicodeNormalize(text,
                              static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
    case Kind::Lowercase:
      return lowercase(text);
    case Kind::StripAccents:
      return stripNonspacingMarks(text);
    case Kind::Bert:
      return bertNormalize(step, std::move(text));
    case Kind::Prepend:
      return text.empty() ? text : step.text + text;
    case Kind::Replace:
      if (step.regex)
        steps::replaceRegex(text, *step.regex, step.content);
      else
        replaceAll(text, step.text, step.content);
      return text;
    case Kind::Strip: {
      auto cps = utf8ToCodePoints(text);
      size_t b = 0, e = cps.size();
      if (step.left)
        while (b < e && isUnicodeWhitespace(cps[b])) ++b;
      if (step.right)
        while (e > b && isUnicodeWhitespace(cps[e - 1])) --e;
      return codePointsToUtf8(cps.substr(b, e - b));
    }
  }
  return text;
}

}  // namespace

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
    text = applyStep(step, std::move(text));
    if (text.size() > limit) refuse(text.size());
  }
  return text;
}

}  // namespace tunebench
