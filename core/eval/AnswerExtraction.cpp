#include "eval/AnswerExtraction.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/Error.h"
#include "common/Utf8.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

namespace {

// Named groups that stand for Python's "$": they capture the final newline it may stand before.
const std::string kEndGroupPrefix = "tbPythonEnd";
const std::string kPythonSpaces = R"(\s\v\x{1c}-\x{1f}\x{85}\p{Z})";
const std::string kPythonWordCharacters = R"(\p{L}\p{N}_)";
// The complements, spelled as unions so that they also work inside a character class (RE2 has
// no class intersection): every category but letters and numbers, the connector punctuation
// other than "_" listed; every category but separators, the control characters that are not
// whitespace listed. Unassigned code points belong to neither.
const std::string kPythonNonWordCharacters =
    R"(\p{M}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\x{203F}\x{2040}\x{2054}\x{FE33}\x{FE34})"
    R"(\x{FE4D}-\x{FE4F}\x{FF3F}\p{S}\p{Z}\p{C})";
const std::string kPythonNonSpaces =
    R"(\p{L}\p{M}\p{N}\p{P}\p{S}\p{Cf}\p{Co}\p{Cs}\x00-\x08\x{0e}-\x{1b}\x{7f}-\x{84})"
    R"(\x{86}-\x{9f})";

// RE2 text for the Python escape "\c", inside a character class or not; empty to keep it.
std::string translatedEscape(char c, bool inClass) {
  switch (c) {
    case 'Z':
      return inClass ? "" : R"(\z)";
    case 'd':
      return R"(\p{Nd})";
    case 'D':
      return R"(\P{Nd})";
    case 's':
      return inClass ? kPythonSpaces : "[" + kPythonSpaces + "]";
    case 'S':
      return inClass ? kPythonNonSpaces : "[^" + kPythonSpaces + "]";
    case 'w':
      return inClass ? kPythonWordCharacters : "[" + kPythonWordCharacters + "]";
    case 'W':
      return inClass ? kPythonNonWordCharacters : "[^" + kPythonWordCharacters + "]";
    default:
      return "";
  }
}

// Whether an inline flag group such as "(?m)" or "(?ms:" turns on multi-line mode.
bool hasMultilineFlag(const std::string& pattern) {
  for (size_t at = pattern.find("(?"); at != std::string::npos; at = pattern.find("(?", at + 2)) {
    if (at > 0 && pattern[at - 1] == '\\') continue;
    for (size_t i = at + 2;
         i < pattern.size() && std::isalpha(static_cast<unsigned char>(pattern[i])); ++i)
      if (pattern[i] == 'm') return true;
  }
  return false;
}

// The pattern with Python's meaning in RE2 syntax (see the header).
std::string translatePattern(const std::string& python) {
  const bool multiline = hasMultilineFlag(python);
  std::string out;
  int endGroups = 0;
  bool inClass = false;
  for (size_t i = 0; i < python.size(); ++i) {
    const char c = python[i];
    if (c == '\\' && i + 1 < python.size()) {
      const std::string replacement = translatedEscape(python[i + 1], inClass);
      out += replacement.empty() ? python.substr(i, 2) : replacement;
      ++i;
    } else if (inClass) {
      inClass = c != ']';
      out += c;
    } else if (c == '[') {
      inClass = true;
      out += c;
      // "^" and a "]" right after the bracket belong to the class.
      if (i + 1 < python.size() && python[i + 1] == '^') out += python[++i];
      if (i + 1 < python.size() && python[i + 1] == ']') out += python[++i];
    } else if (c == '$' && !multiline) {
      out += "(?P<" + kEndGroupPrefix + std::to_string(endGroups++) + R"(>\n?)\z)";
    } else {
      out += c;
    }
  }
  return out;
}

// One match: byte offsets of the whole match, of where Python's match ends (before a final
// newline that a "$" group took), and of each RE2 group (npos when it took no part).
struct MatchSpans {
  size_t begin = 0;
  size_t end = 0;
  size_t pythonEnd = 0;
  std::vector<std::pair<size_t, size_t>> groups;
};

}  // namespace

struct PythonRegex::Compiled {
  std::unique_ptr<re2::RE2> re;
  std::vector<int> userGroups;  // RE2 numbers of the pattern's own groups
  std::vector<int> endGroups;   // RE2 numbers of the groups standing for "$"

  template <typename OnMatch>
  void forEachMatch(std::string_view text, OnMatch onMatch) const;
};

template <typename OnMatch>
void PythonRegex::Compiled::forEachMatch(std::string_view text, OnMatch onMatch) const {
  // A group that took part points into the text, so the text needs an address even when empty.
  if (text.data() == nullptr) text = std::string_view("", 0);
  const int count = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(count));
  const re2::StringPiece input(text.data(), text.size());
  size_t position = 0;
  while (position <= text.size() &&
         re->Match(input, position, text.size(), re2::RE2::UNANCHORED, pieces.data(), count)) {
    MatchSpans match;
    for (const auto& piece : pieces) {
      const size_t begin = piece.data() ? size_t(piece.data() - input.data()) : std::string::npos;
      match.groups.emplace_back(begin, begin == std::string::npos ? begin : begin + piece.size());
    }
    match.begin = match.groups[0].first;
    match.end = match.pythonEnd = match.groups[0].second;
    for (int group : endGroups)
      if (pieces[size_t(group)].size() > 0) match.pythonEnd = match.end - 1;
    onMatch(match);
    position = match.end;
    // After an empty match the search moves on by one character.
    if (match.end == match.begin)
      position +=
          position < text.size() ? std::max<size_t>(1, utf8CharAt(text, position).length) : 1;
  }
}

PythonRegex::PythonRegex(const std::string& pattern) : compiled_(std::make_unique<Compiled>()) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  compiled_->re = std::make_unique<re2::RE2>(translatePattern(pattern), options);
  if (!compiled_->re->ok())
    throw Error("cannot use the regular expression \"" + pattern + "\": " + compiled_->re->error());
  std::set<int> endGroups;
  for (const auto& [name, index] : compiled_->re->NamedCapturingGroups())
    if (name.rfind(kEndGroupPrefix, 0) == 0) endGroups.insert(index);
  for (int group = 1; group <= compiled_->re->NumberOfCapturingGroups(); ++group)
    (endGroups.count(group) ? compiled_->endGroups : compiled_->userGroups).push_back(group);
}

PythonRegex::~PythonRegex() = default;
PythonRegex::PythonRegex(PythonRegex&&) noexcept = default;
PythonRegex& PythonRegex::operator=(PythonRegex&&) noexcept = default;

size_t PythonRegex::groupCount() const {
  return compiled_->userGroups.size();
}

std::vector<std::vector<std::string>> PythonRegex::findAll(std::string_view text) const {
  std::vector<std::vector<std::string>> matches;
  compiled_->forEachMatch(text, [&](const MatchSpans& match) {
    std::vector<std::string> groups;
    if (compiled_->userGroups.empty())
      groups.emplace_back(text.substr(match.begin, match.pythonEnd - match.begin));
    for (int group : compiled_->userGroups) {
      auto [begin, end] = match.groups[size_t(group)];
      if (begin == std::string::npos) {
        groups.emplace_back();
        continue;
      }
      if (end == match.end) end = std::max(begin, match.pythonEnd);
      groups.emplace_back(text.substr(begin, end - begin));
    }
    matches.push_back(std::move(groups));
  });
  return matches;
}

std::string PythonRegex::removeAll(std::string_view text) const {
  std::string out;
  size_t copied = 0;
  compiled_->forEachMatch(text, [&](const MatchSpans& match) {
    out.append(text.substr(copied, match.begin - copied));
    out.append(text.substr(match.pythonEnd, match.end - match.pythonEnd));  // a kept newline
    copied = match.end;
  });
  return out.append(text.substr(copied));
}

std::string applyRegexFilter(const PythonRegex& regex, std::string_view response, int groupSelect,
                             const std::string& fallback) {
  const auto matches = regex.findAll(response);
  if (matches.empty()) return fallback;
  const long count = long(matches.size());
  const long index = groupSelect < 0 ? count + groupSelect : groupSelect;
  if (index < 0 || index >= count)
    throw Error("regex filter: group_select " + std::to_string(groupSelect) + " but " +
                std::to_string(count) + " matches");
  const auto& groups = matches[size_t(index)];
  if (groups.size() == 1) return pythonStrip(groups.front(), nullptr, true, true);
  const auto nonEmpty = std::find_if(groups.begin(), groups.end(),
                                     [](const std::string& group) { return !group.empty(); });
  return pythonStrip(nonEmpty == groups.end() ? fallback : *nonEmpty, nullptr, true, true);
}

std::string gsm8kStrictMatch(std::string_view response) {
  static const PythonRegex regex(R"(#### (\-?[0-9\.\,]+))");
  return applyRegexFilter(regex, response, 0);
}

std::string gsm8kFlexibleExtract(std::string_view response) {
  static const PythonRegex regex(R"((-?[$0-9.,]{2,})|(-?[0-9]+))");
  return applyRegexFilter(regex, response, -1);
}

ExactMatchOptions gsm8kExactMatchOptions() {
  ExactMatchOptions options;
  options.regexesToIgnore = {",", R"(\$)", "(?s).*#### ", R"(\.$)"};
  options.ignoreCase = true;
  return options;
}

HarnessExactMatch::HarnessExactMatch(const ExactMatchOptions& options) : options_(options) {
  for (const auto& pattern : options.regexesToIgnore) regexesToIgnore_.emplace_back(pattern);
}

std::string HarnessExactMatch::normalized(std::string_view text) const {
  std::string out(text);
  for (const auto& regex : regexesToIgnore_) out = regex.removeAll(out);
  if (options_.ignoreCase) out = pythonLower(out);
  const auto removed = [this](char c) {
    return (options_.ignorePunctuation && isAsciiPunctuation(static_cast<unsigned char>(c))) ||
           (options_.ignoreNumbers && c >= '0' && c <= '9');
  };
  out.erase(std::remove_if(out.begin(), out.end(), removed), out.end());
  // numpy's fixed-width strings drop trailing NUL characters.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

bool HarnessExactMatch::operator()(std::string_view prediction, std::string_view reference) const {
  return normalized(prediction) == normalized(reference);
}

Gsm8kScores gsm8kScores(const std::vector<std::string>& responses,
                        const std::vector<std::string>& referenceAnswers) {
  if (responses.size() != referenceAnswers.size())
    throw Error("GSM8K: " + std::to_string(responses.size()) + " responses but " +
                std::to_string(referenceAnswers.size()) + " reference answers");
  if (responses.empty()) throw Error("GSM8K: no responses to score");
  const HarnessExactMatch exactMatch(gsm8kExactMatchOptions());
  Gsm8kScores scores;
  for (size_t i = 0; i < responses.size(); ++i) {
    Gsm8kItem item;
    item.strictAnswer = gsm8kStrictMatch(responses[i]);
    item.flexibleAnswer = gsm8kFlexibleExtract(responses[i]);
    item.strictCorrect = exactMatch(item.strictAnswer, referenceAnswers[i]);
    item.flexibleCorrect = exactMatch(item.flexibleAnswer, referenceAnswers[i]);
    scores.strictMatch += item.strictCorrect ? 1 : 0;
    scores.flexibleExtract += item.flexibleCorrect ? 1 : 0;
    scores.items.push_back(std::move(item));
  }
  scores.strictMatch /= double(responses.size());
  scores.flexibleExtract /= double(responses.size());
  return scores;
}

}  // namespace tunebench
