#pragma once
// Answer extraction and exact match as lm-evaluation-harness scores GSM8K
// (lm_eval/tasks/gsm8k/gsm8k.yaml, version 3.0): the "strict-match" filter (the first match of
// "#### (\-?[0-9\.\,]+)") and the "flexible-extract" filter (the last match of
// "(-?[$0-9.,]{2,})|(-?[0-9]+)", whichever group matched), both "[invalid]" when nothing matches
// (RegexFilter in lm_eval/filters/extraction.py), then the exact_match metric
// (exact_match_hf_evaluate in lm_eval/api/metrics.py) with GSM8K's options: the regexes ",",
// "\$", "(?s).*#### " and "\.$" removed from prediction and reference in that order, then both
// lower-cased (ignore_case), compared as strings.
//
// Patterns are Python `re` patterns run with RE2 (PythonRegex). What differs is translated:
// "$" (outside a character class and without the m flag) matches at the end or before a final
// newline as in Python, "\Z" is RE2's "\z", and \d, \D, \s, \S, \w, \W take Python's Unicode
// meaning (by general category; inside a class \S and \W miss unassigned code points). What
// cannot be translated: RE2 rejects lookaround and backreferences (the constructor throws), \b
// stays ASCII, and after an empty match the search moves on by one character (Python may still
// find a longer match at the same place). The GSM8K patterns need none of these.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

inline constexpr const char* kInvalidAnswer = "[invalid]";

class PythonRegex {
 public:
  // Throws tunebench::Error naming the pattern when RE2 cannot compile it.
  explicit PythonRegex(const std::string& pattern);
  ~PythonRegex();
  PythonRegex(PythonRegex&&) noexcept;
  PythonRegex& operator=(PythonRegex&&) noexcept;

  size_t groupCount() const;

  // re.findall: per match its groups ("" for a group that took no part), or the whole match
  // when the pattern has no group.
  std::vector<std::vector<std::string>> findAll(std::string_view text) const;

  // re.sub(pattern, "", text).
  std::string removeAll(std::string_view text) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

// The harness's RegexFilter for one response: findall, the match at groupSelect (negative counts
// from the end, as in Python), the first non-empty group of a match with several groups, stripped
// of whitespace; the fallback when nothing matched (or no group of the match did). Throws
// tunebench::Error when groupSelect is outside the matches found.
std::string applyRegexFilter(const PythonRegex& regex, std::string_view response, int groupSelect,
                             const std::string& fallback = kInvalidAnswer);

std::string gsm8kStrictMatch(std::string_view response);
std::string gsm8kFlexibleExtract(std::string_view response);

// exact_match_hf_evaluate's options.
struct ExactMatchOptions {
  std::vector<std::string> regexesToIgnore;  // Python patterns, removed in order
  bool ignoreCase = false;                   // Python's str.lower() on both sides
  bool ignorePunctuation = false;            // string.punctuation removed
  bool ignoreNumbers = false;                // string.digits removed
};

ExactMatchOptions gsm8kExactMatchOptions();

// exact_match_hf_evaluate for one prediction and its reference, with the regexes compiled once.
class HarnessExactMatch {
 public:
  explicit HarnessExactMatch(const ExactMatchOptions& options);
  bool operator()(std::string_view prediction, std::string_view reference) const;

 private:
  std::string normalized(std::string_view text) const;

  std::vector<PythonRegex> regexesToIgnore_;
  ExactMatchOptions options_;
};

struct Gsm8kItem {
  std::string strictAnswer;
  std::string flexibleAnswer;
  bool strictCorrect = false;
  bool flexibleCorrect = false;
};

struct Gsm8kScores {
  double strictMatch = 0;      // mean exact match of the strict-match answers, 0..1
  double flexibleExtract = 0;  // mean exact match of the flexible-extract answers, 0..1
  std::vector<Gsm8kItem> items;
};

// responses[i] is the model's output for the question whose dataset answer (reasoning ending in
// "#### <number>") is referenceAnswers[i]. Throws tunebench::Error when the counts differ or
// there is nothing to score.
Gsm8kScores gsm8kScores(const std::vector<std::string>& responses,
                        const std::vector<std::string>& referenceAnswers);

}  // namespace tunebench
