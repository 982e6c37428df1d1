#pragma once
// SQuAD v1.1 answer metrics as the official evaluate-v1.1.py computes them: normalize_answer
// (lower case, ASCII punctuation (Python's string.punctuation) removed, the articles a/an/the
// removed as whole words, whitespace collapsed), exact match and token F1 (multiset overlap of
// the normalised tokens), each the maximum over an item's reference answers, and the corpus
// means as percentages.
//
// The file also holds the Python str rules the reference scripts of every metric in this folder
// rely on (BLEU, chrF, ROUGE, the GSM8K filters): str.isspace(), str.split(), str.strip() and
// str.lower(). Text is UTF-8; a byte that is not well-formed UTF-8 is read as the Latin-1
// character of the same value (as common/Utf8.h's utf8ToCodePoints does).
#include <string>
#include <string_view>
#include <vector>

#include "common/PythonStrings.h"

namespace tunebench {

// Python's string.punctuation: the 32 ASCII punctuation characters.
bool isAsciiPunctuation(char32_t c);

// normalize_answer of the SQuAD v1.1 script.
std::string squadNormalizeAnswer(std::string_view answer);

// exact_match_score and f1_score of the script for one reference (F1 in 0..1; 0 when either
// side normalises to nothing).
bool squadExactMatch(std::string_view prediction, std::string_view reference);
double squadF1(std::string_view prediction, std::string_view reference);

// One prediction against all of its references (metric_max_over_ground_truths).
struct SquadItemScore {
  double exactMatch = 0;  // 0 or 1
  double f1 = 0;          // 0..1
};
// Throws tunebench::Error when references is empty.
SquadItemScore squadItemScore(std::string_view prediction,
                              const std::vector<std::string>& references);

struct SquadScores {
  double exactMatch = 0;  // percent, 0..100, as the script prints it
  double f1 = 0;          // percent, 0..100
  std::vector<SquadItemScore> items;
};
// references[i] holds the reference answers of predictions[i]. Throws tunebench::Error when the
// counts differ, when there are no predictions or when an item has no reference.
SquadScores squadScores(const std::vector<std::string>& predictions,
                        const std::vector<std::vector<std::string>>& references);

}  // namespace tunebench
