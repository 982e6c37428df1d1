#include "report/ChartText.h"

#include <utf8proc.h>

#include "common/Utf8.h"

namespace tunebench {

namespace {

constexpr const char* kEllipsis = "\xE2\x80\xA6";  // U+2026

// Width in em of the code point at the front of text; sets `length` to its byte count.
double frontWidth(std::string_view text, size_t& length) {
  const Utf8Char c = utf8CharAt(text, 0);
  if (c.length == 0) {  // an invalid byte: drawn as U+FFFD
    length = 1;
    return 0.62;
  }
  length = c.length;
  const auto cp = static_cast<utf8proc_int32_t>(c.codePoint);
  if (cp == ' ') return 0.35;
  switch (utf8proc_charwidth(cp)) {
    case 0:
      return 0;
    case 2:
      return 1.0;
    default:
      return 0.62;
  }
}

}  // namespace

double estimatedTextWidth(std::string_view utf8, double fontSize) {
  double em = 0;
  while (!utf8.empty()) {
    size_t length = 1;
    em += frontWidth(utf8, length);
    utf8.remove_prefix(length);
  }
  return em * fontSize;
}

std::string elideText(const std::string& text, double maxWidth, double fontSize) {
  if (estimatedTextWidth(text, fontSize) <= maxWidth) return text;
  const double room = maxWidth - estimatedTextWidth(kEllipsis, fontSize);
  if (room < 0) return "";
  std::string_view rest(text);
  double used = 0;
  size_t kept = 0;
  while (!rest.empty()) {
    size_t length = 1;
    const double w = frontWidth(rest, length) * fontSize;
    if (used + w > room) break;
    used += w;
    kept += length;
    rest.remove_prefix(length);
  }
  return text.substr(0, kept) + kEllipsis;
}

}  // namespace tunebench
