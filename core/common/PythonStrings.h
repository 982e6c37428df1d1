#pragma once
// Python's str methods on UTF-8 text (code point aware): what chat templates call, and what
// benchmark prompts are built with where a reference implementation is written in Python.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

bool isPythonSpace(char32_t c);
// chars == nullptr strips whitespace.
std::string pythonStrip(const std::string& s, const std::string* chars, bool left, bool right);
// sep == nullptr splits on whitespace runs; maxSplit < 0 means no limit.
std::vector<std::string> pythonSplit(const std::string& s, const std::string* sep, int64_t maxSplit,
                                     bool fromRight);
std::vector<std::string> splitLines(const std::string& s);
std::string toUpper(const std::string& s);
// str.lower(): the simple lower-case mapping plus Python's two special cases, U+0130 becoming
// "i" + U+0307 and capital sigma becoming final sigma at the end of a word (Unicode's
// Final_Sigma context).
std::string pythonLower(std::string_view text);
std::u32string pythonLower(std::u32string_view text);
// str.split() with no argument on code points: runs of whitespace separate, no empty pieces.
std::vector<std::u32string> pythonSplitWhitespace(std::u32string_view text);
std::string swapCase(const std::string& s);
std::string pythonTitle(const std::string& s);       // str.title()
std::string pythonCapitalize(const std::string& s);  // str.capitalize()
std::string jinjaTitle(const std::string& s);        // Jinja's |title filter
std::string pythonReplace(const std::string& s, const std::string& from, const std::string& to,
                          int64_t count);
size_t countOccurrences(const std::string& s, const std::string& needle);
// isdigit, isspace, isalpha, isupper, islower.
bool characterTest(const std::string& s, const std::string& test);

}  // namespace tunebench
