#pragma once
// Unicode-aware text clean-up used by the cleaning steps (utf8proc underneath).
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

enum class NormalForm { NFC, NFKC };

// Returns the text in the normal form; invalid UTF-8 is returned unchanged.
std::string normalizeUnicode(std::string_view text, NormalForm form);

// Removes control characters (keeping tab and line feed) and zero-width marks, turns CR/CRLF
// into LF and other Unicode spaces into ' ', collapses runs of spaces and tabs, trims spaces at
// line ends, keeps at most one empty line in a row and trims the text.
std::string cleanWhitespace(std::string_view text);

// The comparison key for duplicates: NFKC, case-folded, default-ignorables dropped, whitespace
// runs collapsed to one space, trimmed.
std::string duplicateKey(std::string_view text);

// Splits on whitespace.
std::vector<std::string_view> splitWords(std::string_view text);

}  // namespace tunebench
