#pragma once
// UTF-8 for every room: one decoder (utf8CharAt) under the validators and the code point
// conversions, the encoder, and the character classes the tokenizers and templates share.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

// The character a UTF-8 sequence encodes and its length in bytes. length is 0 when the bytes are
// not well-formed UTF-8: a stray continuation or lead byte, a sequence cut short, an overlong
// form, a surrogate or a code point above U+10FFFF.
struct Utf8Char {
  char32_t codePoint = 0;
  size_t length = 0;
};

// Decodes the sequence that starts at text[at] (at < text.size()).
Utf8Char utf8CharAt(std::string_view text, size_t at);

// Length in bytes of the UTF-8 sequence starting with lead byte c (1 for stray bytes).
size_t utf8SequenceLength(unsigned char c);

// Returns the byte index of the first invalid UTF-8 sequence, or std::string_view::npos when the
// text is valid.
size_t findInvalidUtf8(std::string_view text);

// Removes a leading UTF-8 byte order mark, if any.
std::string_view stripUtf8Bom(std::string_view text);

// Decodes valid UTF-8; an invalid byte decodes as itself (U+0080..U+00FF) so nothing is lost.
std::u32string utf8ToCodePoints(std::string_view text);

// Decodes UTF-8 into code points; each invalid byte becomes U+FFFD.
std::vector<char32_t> decodeUtf8(std::string_view text);

void appendUtf8(std::string& out, char32_t codePoint);
std::string codePointsToUtf8(std::u32string_view codePoints);

// Replaces every invalid UTF-8 sequence by U+FFFD, the way decoders present cut-off bytes.
std::string toValidUtf8Lossy(std::string_view bytes);

// Unicode White_Space, what the regex engines of the HF tokenizers mean by \s.
bool isUnicodeWhitespace(char32_t c);

}  // namespace tunebench
