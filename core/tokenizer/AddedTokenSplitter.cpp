#include "tokenizer/AddedTokenSplitter.h"

#include <utf8proc.h>

#include <algorithm>

#include "common/Utf8.h"

namespace tunebench {

namespace {

// The code point just before byte offset pos (0 when none).
char32_t codePointBefore(std::string_view text, size_t pos) {
  if (pos == 0) return 0;
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  const auto cps = utf8ToCodePoints(text.substr(start, pos - start));
  return cps.empty() ? 0 : cps.back();
}

char32_t codePointAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  const auto cps =
      utf8ToCodePoints(text.substr(pos, utf8SequenceLength(static_cast<unsigned char>(text[pos]))));
  return cps.empty() ? 0 : cps[0];
}

bool isWordChar(char32_t c) {
  if (c == 0) return false;
  if (c == '_') return true;
  // Alphanumeric in the Unicode sense: letters and numbers.
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
         (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
}

}  // namespace

AddedTokenSplitter::AddedTokenSplitter(const std::vector<AddedToken>& tokens,
                                       bool matchNormalized) {
  for (const auto& token : tokens)
    if (token.normalized == matchNormalized && !token.content.empty()) tokens_.push_back(token);
  std::stable_sort(tokens_.begin(), tokens_.end(), [](const AddedToken& a, const AddedToken& b) {
    return a.content.size() > b.content.size();
  });
  for (size_t i = 0; i < tokens_.size(); ++i)
    byFirstByte_[static_cast<unsigned char>(tokens_[i].content[0])].push_back(i);
}

std::vector<InputSegment> AddedTokenSplitter::split(std::string_view text,
                                                    size_t baseOffset) const {
  std::vector<InputSegment> out;
  size_t plainStart = 0, pos = 0;
  auto emitPlain = [&](size_t end) {
    if (end > plainStart)
      out.push_back({std::string(text.substr(plainStart, end - plainStart)), -1,
                     baseOffset + plainStart, end - plainStart});
  };
  while (pos < text.size()) {
    const AddedToken* hit = nullptr;
    for (size_t index : byFirstByte_[static_cast<unsigned char>(text[pos])]) {
      const AddedToken& token = tokens_[index];
      if (text.compare(pos, token.content.size(), token.content) != 0) continue;
      if (token.singleWord && (isWordChar(codePointBefore(text, pos)) ||
                               isWordChar(codePointAt(text, pos + token.content.size()))))
        continue;
      hit = &token;
      break;
    }
    if (!hit) {
      pos += utf8SequenceLength(static_cast<unsigned char>(text[pos]));
      continue;
    }
    size_t begin = pos, end = pos + hit->content.size();
    if (hit->lstrip) {
      while (begin > plainStart) {
        size_t s = begin - 1;
        while (s > plainStart && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
        if (!isUnicodeWhitespace(codePointAt(text, s))) break;
        begin = s;
      }
    }
    if (hit->rstrip)
      while (end < text.size() && isUnicodeWhitespace(codePointAt(text, end)))
        end += utf8SequenceLength(static_cast<unsigned char>(text[end]));
    emitPlain(begin);
    out.push_back({hit->content, hit->id, baseOffset + begin, end - begin});
    plainStart = pos = end;
  }
  emitPlain(text.size());
  return out;
}

}  // namespace tunebench
