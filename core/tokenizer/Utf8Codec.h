#pragma once
// Code point level UTF-8 helpers shared by the tokenizers and the chat template renderer.
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

// Length in bytes of the UTF-8 sequence starting with lead byte c (1 for stray bytes).
size_t utf8SequenceLength(unsigned char c);

// Decodes valid UTF-8; an invalid byte decodes as itself (U+0080..U+00FF) so nothing is lost.
std::u32string utf8ToCodePoints(std::string_view text);
void appendUtf8(std::string& out, char32_t codePoint);
std::string codePointsToUtf8(std::u32string_view codePoints);

// Replaces every invalid UTF-8 sequence by U+FFFD, the way decoders present cut-off bytes.
std::string toValidUtf8Lossy(std::string_view bytes);

// Unicode White_Space, what the regex engines of the HF tokenizers mean by \s.
bool isUnicodeWhitespace(char32_t c);

}  // namespace tunebench
