#include "tokenizer/ByteLevel.h"

#include <array>

#include "common/Utf8.h"

namespace tunebench {

namespace {

struct Table {
  std::array<char32_t, 256> toUnicode{};
  std::array<std::string, 256> toUtf8;
  Table() {
    // Printable Latin-1 bytes keep their code point; the rest are moved to 256 and above in
    // byte order.
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable =
          (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      toUnicode[b] = printable ? static_cast<char32_t>(b) : next++;
      appendUtf8(toUtf8[b], toUnicode[b]);
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

char32_t byteToUnicode(unsigned char byte) {
  return table().toUnicode[byte];
}

int unicodeToByte(char32_t cp) {
  if (cp < 256) {
    const bool printable =
        (cp >= 33 && cp <= 126) || (cp >= 161 && cp <= 172) || (cp >= 174 && cp <= 255);
    return printable ? static_cast<int>(cp) : -1;
  }
  // 68 bytes are moved: 0-32, 127-160 and 173, numbered from 256 in byte order.
  if (cp >= 256 + 68) return -1;
  int index = static_cast<int>(cp - 256);
  if (index <= 32) return index;
  index -= 33;
  if (index <= 160 - 127) return 127 + index;
  return 173;
}

std::string byteLevelEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  const auto& t = table();
  for (char c : bytes) out += t.toUtf8[static_cast<unsigned char>(c)];
  return out;
}

bool byteLevelDecode(std::string_view mapped, std::string& out) {
  for (char32_t cp : utf8ToCodePoints(mapped)) {
    const int b = unicodeToByte(cp);
    if (b < 0) return false;
    out.push_back(static_cast<char>(b));
  }
  return true;
}

}  // namespace tunebench
