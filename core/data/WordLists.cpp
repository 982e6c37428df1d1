#include "data/WordLists.h"

#include <fstream>
#include <sstream>

#include <cstdlib>
#include "common/Error.h"

#include <utf8proc.h>

namespace tunebench {

namespace {

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

template <typename F>
void forEachLine(std::string_view text, F f) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);
    if (!line.empty()) f(line);
    start = end + 1;
  }
}

}  // namespace

std::string foldCase(std::string_view word) {
  utf8proc_uint8_t* folded = nullptr;
  const auto n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
      static_cast<utf8proc_ssize_t>(word.size()), &folded,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) return std::string(word);
  std::string result(reinterpret_cast<char*>(folded), static_cast<size_t>(n));
  std::free(folded);
  return result;
}

std::set<std::string> parseWordList(std::string_view text) {
  std::set<std::string> words;
  forEachLine(text, [&](std::string_view line) { words.insert(foldCase(line)); });
  return words;
}

std::map<std::string, std::vector<std::string>> parseSynonymList(std::string_view text) {
  std::map<std::string, std::vector<std::string>> synonyms;
  forEachLine(text, [&](std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string word = foldCase(trim(line.substr(0, colon)));
    std::string_view rest = line.substr(colon + 1);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (!item.empty()) synonyms[word].push_back(std::string(item));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  });
  return synonyms;
}

}  // namespace tunebench
