#include "data/TextNormalization.h"

#include <cctype>
#include <cstdlib>

#include <utf8proc.h>

#include "common/Utf8.h"

namespace tunebench {

namespace {

std::string mapWithUtf8proc(std::string_view text, int options) {
  utf8proc_uint8_t* mapped = nullptr;
  const auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                   static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                   static_cast<utf8proc_option_t>(options));
  if (length < 0) return std::string(text);
  std::string result(reinterpret_cast<char*>(mapped), static_cast<size_t>(length));
  std::free(mapped);
  return result;
}

bool isUnicodeSpace(char32_t c) {
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0x0B || c == 0x0C;
}

bool isDropped(char32_t c) {
  if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
  if (c >= 0x7F && c <= 0x9F) return true;
  // Zero-width space, joiners' neighbours that carry nothing visible, byte order mark.
  return c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

}  // namespace

std::string normalizeUnicode(std::string_view text, NormalForm form) {
  int options = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
  if (form == NormalForm::NFKC) options |= UTF8PROC_COMPAT;
  return mapWithUtf8proc(text, options);
}

std::string cleanWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto cps = decodeUtf8(text);
  int newlines = 0;         // line feeds since the last visible character
  std::string indentation;  // spaces since the last line feed: kept at a line start (code)
  bool space = false;       // spaces since the last visible character on this line
  for (size_t i = 0; i < cps.size(); ++i) {
    char32_t c = cps[i];
    if (c == '\r') {
      if (i + 1 < cps.size() && cps[i + 1] == '\n') continue;
      c = '\n';
    }
    if (isDropped(c)) continue;
    if (c == '\n') {
      ++newlines;
      indentation.clear();
      space = false;  // spaces before a line end are trailing
      continue;
    }
    if (c == ' ' || c == '\t' || isUnicodeSpace(c)) {
      space = true;
      indentation.push_back(c == '\t' ? '\t' : ' ');
      continue;
    }
    if (!out.empty()) {
      if (newlines > 0) {
        out.append(newlines > 1 ? "\n\n" : "\n");
        out.append(indentation);
      } else if (space) {
        out.push_back(' ');
      }
    }
    newlines = 0;
    indentation.clear();
    space = false;
    appendUtf8(out, c);
  }
  return out;
}

std::vector<std::string_view> splitWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::string duplicateKey(std::string_view text) {
  const std::string folded =
      mapWithUtf8proc(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  std::string key;
  key.reserve(folded.size());
  for (const auto word : splitWords(folded)) {
    if (!key.empty()) key.push_back(' ');
    key.append(word);
  }
  return key;
}

}  // namespace tunebench
