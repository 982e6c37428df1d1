#include "report/XmlText.h"

#include "common/Utf8.h"

namespace tunebench {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// U+FFFE and U+FFFF (EF BF BE, EF BF BF) are valid UTF-8 but not XML characters.
bool isNonCharacterAt(const std::string& s, size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
         static_cast<unsigned char>(s[i + 1]) == 0xBF &&
         (static_cast<unsigned char>(s[i + 2]) == 0xBE ||
          static_cast<unsigned char>(s[i + 2]) == 0xBF);
}

}  // namespace

std::string xmlEscaped(std::string_view text) {
  const std::string valid = toValidUtf8Lossy(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (size_t i = 0; i < valid.size(); ++i) {
    const auto c = static_cast<unsigned char>(valid[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20) {
          out += kReplacement;
        } else if (isNonCharacterAt(valid, i)) {
          out += kReplacement;
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace tunebench
