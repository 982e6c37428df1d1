#pragma once
// GPT-2's byte <-> unicode table: every byte gets a printable code point so that BPE can work
// on text while covering arbitrary bytes.
#include <string>
#include <string_view>

namespace tunebench {

// The code point standing for a byte.
char32_t byteToUnicode(unsigned char byte);
// The byte a code point stands for, or -1 when the code point is not in the table.
int unicodeToByte(char32_t codePoint);

// Bytes -> their UTF-8 encoded stand-ins.
std::string byteLevelEncode(std::string_view bytes);
// The inverse; false when a code point is not in the table (out is then left partial).
bool byteLevelDecode(std::string_view mapped, std::string& out);

}  // namespace tunebench
