#pragma once
// Word lists shipped in resources/wordlists/ and compiled into the library, so that cleaning
// works the same wherever the program is installed. Users can extend them with their own files.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

// One entry per line; '#' starts a comment; entries are case-folded.
std::set<std::string> parseWordList(std::string_view text);
// Lines "word: synonym, synonym"; returns word -> synonyms (both directions are not implied).
std::map<std::string, std::vector<std::string>> parseSynonymList(std::string_view text);

std::string_view shippedProfanityList();
std::string_view shippedSynonymList();

// Lower-cases (Unicode case folding) one word.
std::string foldCase(std::string_view word);

}  // namespace tunebench
