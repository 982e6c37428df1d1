#include "eval/Chrf.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "common/Error.h"
#include "common/Utf8.h"
#include "eval/Bleu.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

namespace {

using NgramCounter = std::unordered_map<std::string, size_t>;

// extract_all_char_ngrams: n-grams of characters (code points), whitespace removed unless kept.
std::vector<NgramCounter> characterNgrams(const std::string& text, const ChrfOptions& options) {
  std::u32string characters = utf8ToCodePoints(text);
  if (!options.whitespace)
    characters.erase(std::remove_if(characters.begin(), characters.end(), isPythonSpace),
                     characters.end());
  std::vector<NgramCounter> counters(size_t(options.charOrder));
  for (size_t n = 1; n <= counters.size(); ++n)
    for (size_t i = 0; i + n <= characters.size(); ++i)
      ++counters[n - 1][codePointsToUtf8(std::u32string_view(characters).substr(i, n))];
  return counters;
}

// CHRF._remove_punctuation: a word longer than one character loses a punctuation character at
// its end, or else at its start, as a word of its own. The punctuation is ASCII, so bytes do.
std::vector<std::string> chrfWords(const std::string& text) {
  std::vector<std::string> words;
  for (const auto& word : pythonSplit(text, nullptr, -1, false)) {
    if (utf8ToCodePoints(word).size() == 1) {
      words.push_back(word);
    } else if (isAsciiPunctuation(static_cast<unsigned char>(word.back()))) {
      words.push_back(word.substr(0, word.size() - 1));
      words.push_back(word.substr(word.size() - 1));
    } else if (isAsciiPunctuation(static_cast<unsigned char>(word.front()))) {
      words.push_back(word.substr(0, 1));
      words.push_back(word.substr(1));
    } else {
      words.push_back(word);
    }
  }
  return words;
}

std::vector<NgramCounter> allNgrams(const std::string& segment, const ChrfOptions& options) {
  const std::string text = options.lowercase ? pythonLower(segment) : segment;
  std::vector<NgramCounter> counters = characterNgrams(text, options);
  const std::vector<std::string> words = chrfWords(text);
  for (size_t n = 1; n <= size_t(options.wordOrder); ++n) {
    NgramCounter& counter = counters.emplace_back();
    for (size_t i = 0; i + n <= words.size(); ++i) {
      std::string ngram = words[i];
      for (size_t k = i + 1; k < i + n; ++k) ngram += ' ' + words[k];
      ++counter[ngram];
    }
  }
  return counters;
}

// CHRF._get_match_statistics for one order.
void appendMatchStatistics(const NgramCounter& hypothesis, const NgramCounter& reference,
                           ChrfStatistics& statistics) {
  size_t hypothesisCount = 0, referenceCount = 0, matchCount = 0;
  for (const auto& [ngram, count] : hypothesis) {
    hypothesisCount += count;
    auto found = reference.find(ngram);
    if (found != reference.end()) matchCount += std::min(count, found->second);
  }
  for (const auto& entry : reference) referenceCount += entry.second;
  statistics.push_back(reference.empty() ? 0 : hypothesisCount);
  statistics.push_back(referenceCount);
  statistics.push_back(matchCount);
}

ChrfStatistics bestReferenceStatistics(const std::string& hypothesis,
                                       const std::vector<std::string>& references,
                                       const ChrfOptions& options) {
  const auto hypothesisNgrams = allNgrams(hypothesis, options);
  ChrfStatistics best;
  double bestScore = -1.0;
  for (const auto& reference : references) {
    const auto referenceNgrams = allNgrams(reference, options);
    ChrfStatistics statistics;
    for (size_t order = 0; order < hypothesisNgrams.size(); ++order)
      appendMatchStatistics(hypothesisNgrams[order], referenceNgrams[order], statistics);
    const double score = chrfFromStatistics(statistics, options);
    if (score > bestScore) {
      bestScore = score;
      best = std::move(statistics);
    }
  }
  return best;
}

void checkOptions(const ChrfOptions& options) {
  if (options.charOrder < 1 || options.wordOrder < 0 || options.beta < 1)
    throw Error("chrF: the character order and beta must be at least 1, the word order at least 0");
}

}  // namespace

std::vector<ChrfStatistics> chrfSegmentStatistics(
    const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const ChrfOptions& options) {
  checkOptions(options);
  if (hypotheses.size() != references.size())
    throw Error("chrF: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                std::to_string(references.size()) + " reference lists");
  if (hypotheses.empty()) throw Error("chrF: no hypotheses to score");
  std::vector<ChrfStatistics> statistics;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty())
      throw Error("chrF: hypothesis " + std::to_string(i + 1) + " has no reference");
    statistics.push_back(bestReferenceStatistics(hypotheses[i], references[i], options));
  }
  return statistics;
}

double chrfFromStatistics(const ChrfStatistics& statistics, const ChrfOptions& options) {
  checkOptions(options);
  const size_t orders = size_t(options.charOrder + options.wordOrder);
  if (statistics.size() != 3 * orders) throw Error("chrF: statistics do not fit the orders");
  const double eps = 1e-16;
  const double factor = double(options.beta) * double(options.beta);
  double score = 0.0, averagePrecision = 0.0, averageRecall = 0.0;
  int effectiveOrder = 0;
  for (size_t order = 0; order < orders; ++order) {
    const size_t hypothesis = statistics[3 * order], reference = statistics[3 * order + 1];
    const double matches = double(statistics[3 * order + 2]);
    const double precision = hypothesis > 0 ? matches / double(hypothesis) : eps;
    const double recall = reference > 0 ? matches / double(reference) : eps;
    const double denominator = factor * precision + recall;
    score += denominator > 0 ? (1 + factor) * precision * recall / denominator : eps;
    if (hypothesis > 0 && reference > 0) {
      averagePrecision += precision;
      averageRecall += recall;
      ++effectiveOrder;
    }
  }
  if (options.epsSmoothing) return 100 * score / double(orders);
  if (effectiveOrder == 0) return 0.0;
  averagePrecision /= effectiveOrder;
  averageRecall /= effectiveOrder;
  if (averagePrecision + averageRecall == 0) return 0.0;
  score = (1 + factor) * averagePrecision * averageRecall;
  score /= (factor * averagePrecision) + averageRecall;
  return 100 * score;
}

std::string chrfSignature(const std::vector<std::vector<std::string>>& references,
                          const ChrfOptions& options) {
  std::set<size_t> counts;
  for (const auto& list : references) counts.insert(list.size());
  const std::string nrefs = counts.size() == 1 ? std::to_string(*counts.begin()) : "var";
  return "nrefs:" + nrefs + "|case:" + (options.lowercase ? "lc" : "mixed") +
         "|eff:" + (options.epsSmoothing ? "no" : "yes") +
         "|nc:" + std::to_string(options.charOrder) + "|nw:" + std::to_string(options.wordOrder) +
         "|space:" + (options.whitespace ? "yes" : "no") + "|version:" + kSacreBleuVersion;
}

ChrfScore corpusChrf(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references,
                     const ChrfOptions& options) {
  const auto segments = chrfSegmentStatistics(hypotheses, references, options);
  ChrfStatistics sums(segments.front().size(), 0);
  for (const auto& segment : segments)
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += segment[i];
  ChrfScore result;
  result.score = chrfFromStatistics(sums, options);
  result.name = "chrF" + std::to_string(options.beta) + std::string(size_t(options.wordOrder), '+');
  result.signature = chrfSignature(references, options);
  return result;
}

}  // namespace tunebench
