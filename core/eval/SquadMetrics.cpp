#include "eval/SquadMetrics.h"

#include <utf8proc.h>

#include <algorithm>
#include <map>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

utf8proc_category_t categoryOf(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

// Python's \w for str patterns: letters, numbers and the underscore.
bool isPythonWordCharacter(char32_t c) {
  switch (categoryOf(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return c == U'_';
  }
}

// re.sub(r'\b(a|an|the)\b', ' ', text): a whole word (a maximal run of \w characters) that is
// one of the articles becomes a space.
std::u32string replaceArticlesWithSpaces(std::u32string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!isPythonWordCharacter(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && isPythonWordCharacter(text[end])) ++end;
    const std::u32string_view word = text.substr(i, end - i);
    if (word == U"a" || word == U"an" || word == U"the")
      out += U' ';
    else
      out += word;
    i = end;
  }
  return out;
}

// The tokens of normalize_answer(text).split(): lower case, punctuation, articles, whitespace.
std::vector<std::u32string> squadTokens(std::string_view answer) {
  std::u32string text = pythonLower(utf8ToCodePoints(answer));
  text.erase(std::remove_if(text.begin(), text.end(), isAsciiPunctuation), text.end());
  return pythonSplitWhitespace(replaceArticlesWithSpaces(text));
}

std::string joinWithSpaces(const std::vector<std::u32string>& tokens) {
  std::u32string joined;
  for (size_t i = 0; i < tokens.size(); ++i) joined += (i ? U" " : U"") + tokens[i];
  return codePointsToUtf8(joined);
}

}  // namespace

bool isAsciiPunctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

std::string squadNormalizeAnswer(std::string_view answer) {
  return joinWithSpaces(squadTokens(answer));
}

bool squadExactMatch(std::string_view prediction, std::string_view reference) {
  return squadTokens(prediction) == squadTokens(reference);
}

double squadF1(std::string_view prediction, std::string_view reference) {
  const auto predictionTokens = squadTokens(prediction);
  const auto referenceTokens = squadTokens(reference);
  std::map<std::u32string, long> referenceCounts;
  for (const auto& token : referenceTokens) ++referenceCounts[token];
  long same = 0;
  for (const auto& token : predictionTokens) {
    auto found = referenceCounts.find(token);
    if (found != referenceCounts.end() && found->second > 0) {
      --found->second;
      ++same;
    }
  }
  if (same == 0) return 0;
  const double precision = 1.0 * double(same) / double(predictionTokens.size());
  const double recall = 1.0 * double(same) / double(referenceTokens.size());
  return (2 * precision * recall) / (precision + recall);
}

SquadItemScore squadItemScore(std::string_view prediction,
                              const std::vector<std::string>& references) {
  if (references.empty()) throw Error("SQuAD metrics: an item has no reference answer");
  SquadItemScore best;
  for (const auto& reference : references) {
    best.exactMatch = std::max(best.exactMatch, squadExactMatch(prediction, reference) ? 1.0 : 0.0);
    best.f1 = std::max(best.f1, squadF1(prediction, reference));
  }
  return best;
}

SquadScores squadScores(const std::vector<std::string>& predictions,
                        const std::vector<std::vector<std::string>>& references) {
  if (predictions.size() != references.size())
    throw Error("SQuAD metrics: " + std::to_string(predictions.size()) + " predictions but " +
                std::to_string(references.size()) + " reference lists");
  if (predictions.empty()) throw Error("SQuAD metrics: no predictions to score");
  SquadScores scores;
  for (size_t i = 0; i < predictions.size(); ++i) {
    scores.items.push_back(squadItemScore(predictions[i], references[i]));
    scores.exactMatch += scores.items.back().exactMatch;
    scores.f1 += scores.items.back().f1;
  }
  const double total = double(predictions.size());
  scores.exactMatch = 100.0 * scores.exactMatch / total;
  scores.f1 = 100.0 * scores.f1 / total;
  return scores;
}

}  // namespace tunebench
