#include "tokenizer/SplitRegex.h"

#include <re2/re2.h>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

const char* const kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

const char* const kLookaheadAlternative = R"(\s+(?!\S))";
const char* const kSpaceInClass = R"(\t\n\v\f\r\x{85}\p{Z})";
const char* const kWordInClass = R"(\p{L}\p{M}\p{Nd}\p{Pc})";

// Splits a pattern at its top-level '|' (outside groups and character classes).
std::vector<std::string> topLevelAlternatives(const std::string& pattern) {
  std::vector<std::string> parts(1);
  int depth = 0;
  bool inClass = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      parts.back() += pattern.substr(i, 2);
      ++i;
      continue;
    }
    if (inClass) {
      if (c == ']') inClass = false;
    } else if (c == '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member.
      parts.back() += c;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') parts.back() += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') parts.back() += pattern[++i];
      continue;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i > from ? "|" : "") + parts[i];
  return out;
}

std::unique_ptr<re2::RE2> compile(const std::string& pattern, const std::string& original) {
  if (pattern.empty()) return nullptr;
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>("(?:" + SplitRegex::translate(pattern) + ")", options);
  if (!re->ok()) throw Error("split pattern " + original + " is not supported: " + re->error());
  return re;
}

}  // namespace

std::string SplitRegex::translate(const std::string& pattern) {
  std::string out;
  bool inClass = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[++i];
      if (e == 's') {
        out += inClass ? kSpaceInClass : std::string("[") + kSpaceInClass + "]";
      } else if (e == 'S' && !inClass) {
        out += std::string("[^") + kSpaceInClass + "]";
      } else if (e == 'd') {
        out += R"(\p{Nd})";
      } else if (e == 'D') {
        out += R"(\P{Nd})";
      } else if (e == 'w') {
        out += inClass ? kWordInClass : std::string("[") + kWordInClass + "]";
      } else if (e == 'W' && !inClass) {
        out += std::string("[^") + kWordInClass + "]";
      } else if ((e == 'S' || e == 'W') && inClass) {
        throw Error(std::string("split pattern: \\") + e +
                    " inside a character class is not supported");
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (!inClass && c == '[') {
      inClass = true;
      out += c;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (inClass && c == ']') inClass = false;
    out += c;
  }
  return out;
}

SplitRegex::SplitRegex(const std::string& pattern) : pattern_(pattern) {
  const auto parts = topLevelAlternatives(pattern);
  size_t lookahead = parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == kLookaheadAlternative && lookahead == parts.size()) {
      lookahead = i;
      continue;
    }
    for (const char* look : {"(?=", "(?!", "(?<=", "(?<!"})
      if (parts[i].find(look) != std::string::npos)
        throw Error("split pattern " + pattern + ": lookaround other than " +
                    kLookaheadAlternative + " as a whole alternative is not supported");
  }
  hasLookahead_ = lookahead < parts.size();
  before_ = compile(join(parts, 0, std::min(lookahead, parts.size())), pattern);
  if (hasLookahead_) after_ = compile(join(parts, lookahead + 1, parts.size()), pattern);
}

SplitRegex::~SplitRegex() = default;
SplitRegex::SplitRegex(SplitRegex&&) noexcept = default;
SplitRegex& SplitRegex::operator=(SplitRegex&&) noexcept = default;

size_t SplitRegex::matchAt(std::string_view text, size_t pos) const {
  re2::StringPiece whole(text.data(), text.size());
  re2::StringPiece m;
  if (before_ && before_->Match(whole, pos, text.size(), re2::RE2::ANCHOR_START, &m, 1) &&
      !m.empty())
    return m.size();
  if (hasLookahead_) {
    // \s+(?!\S): the longest whitespace run from pos whose next character is not a non-space,
    // i.e. the whole run at the end of the text, otherwise the run less its last character.
    size_t end = pos, lastStart = pos, count = 0;
    while (end < text.size()) {
      const size_t n = utf8SequenceLength(static_cast<unsigned char>(text[end]));
      const auto cps = utf8ToCodePoints(text.substr(end, n));
      if (cps.size() != 1 || !isUnicodeWhitespace(cps[0])) break;
      lastStart = end;
      end += n;
      ++count;
    }
    if (count > 0 && end == text.size()) return end - pos;
    if (count > 1) return lastStart - pos;
    if (after_ && after_->Match(whole, pos, text.size(), re2::RE2::ANCHOR_START, &m, 1) &&
        !m.empty())
      return m.size();
  }
  return 0;
}

std::vector<SplitRegex::Range> SplitRegex::matches(std::string_view text) const {
  std::vector<Range> out;
  out.reserve(text.size() / 4 + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t length = matchAt(text, pos);
    if (length > 0) {
      out.emplace_back(pos, pos + length);
      pos += length;
    } else {
      pos += utf8SequenceLength(static_cast<unsigned char>(text[pos]));
    }
  }
  return out;
}

std::vector<SplitRegex::Range> SplitRegex::isolated(std::string_view text) const {
  const std::vector<Range> found = matches(text);
  std::vector<Range> out;
  out.reserve(found.size() + 1);
  size_t gap = 0;
  for (const auto& m : found) {
    if (m.first > gap) out.emplace_back(gap, m.first);
    out.push_back(m);
    gap = m.second;
  }
  if (gap < text.size()) out.emplace_back(gap, text.size());
  return out;
}

}  // namespace tunebench
