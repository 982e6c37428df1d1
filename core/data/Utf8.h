#pragma once
#include <cstddef>
#include <string_view>

namespace tunebench {

// Returns the byte index of the first invalid UTF-8 sequence (overlongs, surrogates and code
// points above U+10FFFF are invalid), or std::string_view::npos when the text is valid.
size_t findInvalidUtf8(std::string_view text);

// Removes a leading UTF-8 byte order mark, if any.
std::string_view stripUtf8Bom(std::string_view text);

}  // namespace tunebench
