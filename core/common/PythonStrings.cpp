#include "common/PythonStrings.h"

#include <utf8proc.h>

#include "common/Utf8.h"

namespace tunebench {

namespace {

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}
char32_t upper(char32_t c) {
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}
char32_t lower(char32_t c) {
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

// Unicode's Cased: upper, lower and title case letters and whatever has a case mapping.
bool isCased(char32_t c) {
  const auto kind = category(c);
  if (kind == UTF8PROC_CATEGORY_LU || kind == UTF8PROC_CATEGORY_LL || kind == UTF8PROC_CATEGORY_LT)
    return true;
  return lower(c) != c || upper(c) != c;
}

// Unicode's Case_Ignorable: marks, format characters, modifiers and the word-internal
// punctuation of Word_Break MidLetter, MidNumLet and Single_Quote.
bool isCaseIgnorable(char32_t c) {
  switch (category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      break;
  }
  static const std::u32string_view kMidLetters =
      U"'.:\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A";
  return kMidLetters.find(c) != std::u32string_view::npos;
}

// Python's handle_capital_sigma: a cased letter before (case-ignorables skipped) and none after.
bool isFinalSigma(std::u32string_view text, size_t at) {
  size_t before = at;
  while (before > 0 && isCaseIgnorable(text[before - 1])) --before;
  if (before == 0 || !isCased(text[before - 1])) return false;
  size_t after = at + 1;
  while (after < text.size() && isCaseIgnorable(text[after])) ++after;
  return after == text.size() || !isCased(text[after]);
}

template <typename F>
std::string mapCodePoints(const std::string& s, F f) {
  std::u32string cps = utf8ToCodePoints(s);
  for (auto& c : cps) c = f(c);
  return codePointsToUtf8(cps);
}

}  // namespace

bool isPythonSpace(char32_t c) {
  return isUnicodeWhitespace(c) || (c >= 0x1C && c <= 0x1F);
}

std::string pythonStrip(const std::string& s, const std::string* chars, bool left, bool right) {
  const std::u32string cps = utf8ToCodePoints(s);
  const std::u32string set = chars ? utf8ToCodePoints(*chars) : std::u32string();
  auto strip = [&](char32_t c) {
    return chars ? set.find(c) != std::u32string::npos : isPythonSpace(c);
  };
  size_t b = 0, e = cps.size();
  if (left)
    while (b < e && strip(cps[b])) ++b;
  if (right)
    while (e > b && strip(cps[e - 1])) --e;
  return codePointsToUtf8(cps.substr(b, e - b));
}

std::vector<std::string> pythonSplit(const std::string& s, const std::string* sep, int64_t maxSplit,
                                     bool fromRight) {
  std::vector<std::string> out;
  if (sep) {
    if (!fromRight) {
      size_t pos = 0, hit;
      while ((maxSplit < 0 || static_cast<int64_t>(out.size()) < maxSplit) &&
             (hit = s.find(*sep, pos)) != std::string::npos) {
        out.push_back(s.substr(pos, hit - pos));
        pos = hit + sep->size();
      }
      out.push_back(s.substr(pos));
      return out;
    }
    size_t end = s.size();
    std::vector<std::string> reversed;
    while (maxSplit < 0 || static_cast<int64_t>(reversed.size()) < maxSplit) {
      if (end < sep->size()) break;
      const size_t hit = s.rfind(*sep, end - sep->size());
      if (hit == std::string::npos) break;
      reversed.push_back(s.substr(hit + sep->size(), end - hit - sep->size()));
      end = hit;
    }
    out.push_back(s.substr(0, end));
    out.insert(out.end(), reversed.rbegin(), reversed.rend());
    return out;
  }
  // Whitespace runs separate; leading and trailing whitespace gives no empty parts.
  const std::u32string cps = utf8ToCodePoints(s);
  std::vector<std::pair<size_t, size_t>> words;
  size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && isPythonSpace(cps[i])) ++i;
    if (i >= cps.size()) break;
    size_t j = i;
    while (j < cps.size() && !isPythonSpace(cps[j])) ++j;
    words.emplace_back(i, j);
    i = j;
  }
  if (maxSplit >= 0 && static_cast<int64_t>(words.size()) > maxSplit + 1) {
    if (!fromRight) {
      size_t restStart = words[static_cast<size_t>(maxSplit)].first;
      size_t restEnd = cps.size();
      while (restEnd > restStart && isPythonSpace(cps[restEnd - 1])) --restEnd;
      words.resize(static_cast<size_t>(maxSplit));
      words.emplace_back(restStart, restEnd);
    } else {
      const size_t keep = static_cast<size_t>(maxSplit);
      std::vector<std::pair<size_t, size_t>> tail(words.end() - static_cast<long>(keep),
                                                  words.end());
      size_t headStart = 0;
      while (headStart < cps.size() && isPythonSpace(cps[headStart])) ++headStart;
      words.assign(1, {headStart, words[words.size() - keep - 1].second});
      words.insert(words.end(), tail.begin(), tail.end());
    }
  }
  for (const auto& [b, e] : words) out.push_back(codePointsToUtf8(cps.substr(b, e - b)));
  return out;
}

std::vector<std::string> splitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      out.push_back(s.substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

std::string toUpper(const std::string& s) {
  // Python uses the full case mapping, where the sharp s becomes "SS".
  std::u32string out;
  for (char32_t c : utf8ToCodePoints(s)) {
    if (c == 0xDF)
      out += U"SS";
    else
      out += upper(c);
  }
  return codePointsToUtf8(out);
}
std::string swapCase(const std::string& s) {
  return mapCodePoints(
      s, [](char32_t c) { return category(c) == UTF8PROC_CATEGORY_LU ? lower(c) : upper(c); });
}

std::string pythonTitle(const std::string& s) {
  std::u32string cps = utf8ToCodePoints(s);
  bool previousCased = false;
  for (auto& c : cps) {
    const bool cased = isCased(c);
    c = previousCased ? lower(c) : upper(c);
    previousCased = cased;
  }
  return codePointsToUtf8(cps);
}

std::string pythonCapitalize(const std::string& s) {
  std::u32string cps = utf8ToCodePoints(s);
  for (size_t i = 0; i < cps.size(); ++i) cps[i] = i == 0 ? upper(cps[i]) : lower(cps[i]);
  return codePointsToUtf8(cps);
}

std::string jinjaTitle(const std::string& s) {
  // Words begin after runs of '-', whitespace, '(', '{', '[' or '<'.
  std::u32string cps = utf8ToCodePoints(s);
  bool wordStart = true;
  for (auto& c : cps) {
    const bool separator =
        c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || isPythonSpace(c);
    if (separator) {
      wordStart = true;
      continue;
    }
    c = wordStart ? upper(c) : lower(c);
    wordStart = false;
  }
  return codePointsToUtf8(cps);
}

std::string pythonReplace(const std::string& s, const std::string& from, const std::string& to,
                          int64_t count) {
  std::string out;
  if (from.empty()) {
    // Python inserts the replacement between every character and at both ends.
    const std::u32string cps = utf8ToCodePoints(s);
    int64_t done = 0;
    for (size_t i = 0; i <= cps.size(); ++i) {
      if (count < 0 || done < count) {
        out += to;
        ++done;
      }
      if (i < cps.size()) appendUtf8(out, cps[i]);
    }
    return out;
  }
  size_t pos = 0, hit;
  int64_t done = 0;
  while ((count < 0 || done < count) && (hit = s.find(from, pos)) != std::string::npos) {
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
    ++done;
  }
  out.append(s, pos, std::string::npos);
  return out;
}

size_t countOccurrences(const std::string& s, const std::string& needle) {
  if (needle.empty()) return utf8ToCodePoints(s).size() + 1;
  size_t n = 0, pos = 0, hit;
  while ((hit = s.find(needle, pos)) != std::string::npos) {
    ++n;
    pos = hit + needle.size();
  }
  return n;
}

bool characterTest(const std::string& s, const std::string& test) {
  const std::u32string cps = utf8ToCodePoints(s);
  if (cps.empty()) return false;
  bool anyCased = false;
  for (char32_t c : cps) {
    const auto k = category(c);
    if (test == "isdigit" && k != UTF8PROC_CATEGORY_ND) return false;
    if (test == "isspace" && !isPythonSpace(c)) return false;
    if (test == "isalpha" && !(k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO))
      return false;
    if (test == "isupper" && (k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT)) return false;
    if (test == "islower" && (k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT)) return false;
    anyCased = anyCased || isCased(c);
  }
  return (test == "isupper" || test == "islower") ? anyCased : true;
}

std::u32string pythonLower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x130)
      out += U"i\u0307";
    else if (c == 0x3A3)
      out += isFinalSigma(text, i) ? char32_t(0x3C2) : char32_t(0x3C3);
    else
      out += lower(c);
  }
  return out;
}

std::string pythonLower(std::string_view text) {
  return codePointsToUtf8(pythonLower(utf8ToCodePoints(text)));
}

std::vector<std::u32string> pythonSplitWhitespace(std::u32string_view text) {
  std::vector<std::u32string> pieces;
  size_t start = std::u32string_view::npos;
  for (size_t at = 0; at <= text.size(); ++at) {
    const bool separator = at == text.size() || isPythonSpace(text[at]);
    if (separator && start != std::u32string_view::npos) {
      pieces.emplace_back(text.substr(start, at - start));
      start = std::u32string_view::npos;
    } else if (!separator && start == std::u32string_view::npos) {
      start = at;
    }
  }
  return pieces;
}

}  // namespace tunebench
