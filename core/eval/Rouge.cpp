#include "eval/Rouge.h"

#include <utf8proc.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/Error.h"
#include "common/Utf8.h"
#include "eval/PorterStemmer.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

namespace {

using Tokens = std::vector<std::string>;

bool isLowerAsciiAlnum(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9');
}

bool isLetterMarkOrNumber(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// Han ideographs and kana: scripts written without spaces between words.
bool isHanOrKana(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
         (c >= 0x20000 && c <= 0x3134F);
}

// Runs of token characters; with the non-Latin option Han and kana characters stand alone.
std::vector<std::u32string> tokenRuns(std::u32string_view text, bool nonLatin) {
  std::vector<std::u32string> runs(1);
  for (char32_t c : text) {
    const bool inToken = nonLatin ? isLetterMarkOrNumber(c) : isLowerAsciiAlnum(c);
    const bool standsAlone = nonLatin && inToken && isHanOrKana(c);
    if (standsAlone || !inToken) {
      if (!runs.back().empty()) runs.emplace_back();
      if (!standsAlone) continue;
      runs.back() = std::u32string(1, c);
      runs.emplace_back();
    } else {
      runs.back() += c;
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

bool isAsciiToken(std::u32string_view token) {
  return std::all_of(token.begin(), token.end(), isLowerAsciiAlnum);
}

double fmeasure(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

std::unordered_map<std::string, size_t> countNgrams(const Tokens& tokens, size_t n) {
  std::unordered_map<std::string, size_t> counts;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    std::string ngram = tokens[i];
    for (size_t k = i + 1; k < i + n; ++k) ngram += ' ' + tokens[k];
    ++counts[ngram];
  }
  return counts;
}

// _score_ngrams.
RougeScore rougeN(const Tokens& prediction, const Tokens& reference, size_t n) {
  const auto referenceNgrams = countNgrams(reference, n);
  const auto predictionNgrams = countNgrams(prediction, n);
  size_t overlap = 0, referenceCount = 0, predictionCount = 0;
  for (const auto& [ngram, count] : referenceNgrams) {
    const auto found = predictionNgrams.find(ngram);
    if (found != predictionNgrams.end()) overlap += std::min(count, found->second);
    referenceCount += count;
  }
  for (const auto& entry : predictionNgrams) predictionCount += entry.second;
  RougeScore score;
  score.precision = double(overlap) / double(std::max<size_t>(predictionCount, 1));
  score.recall = double(overlap) / double(std::max<size_t>(referenceCount, 1));
  score.fmeasure = fmeasure(score.precision, score.recall);
  return score;
}

using LcsTable = std::vector<std::vector<size_t>>;

// _lcs_table: table[i][j] is the LCS length of reference[:i] and candidate[:j].
LcsTable lcsTable(const Tokens& reference, const Tokens& candidate) {
  LcsTable table(reference.size() + 1, std::vector<size_t>(candidate.size() + 1, 0));
  for (size_t i = 1; i <= reference.size(); ++i)
    for (size_t j = 1; j <= candidate.size(); ++j)
      table[i][j] = reference[i - 1] == candidate[j - 1]
                        ? table[i - 1][j - 1] + 1
                        : std::max(table[i - 1][j], table[i][j - 1]);
  return table;
}

// lcs_ind with _backtrack_norec's tie-breaking: the reference indices of one LCS.
std::vector<size_t> lcsIndices(const Tokens& reference, const Tokens& candidate) {
  const LcsTable table = lcsTable(reference, candidate);
  std::vector<size_t> indices;
  size_t i = reference.size(), j = candidate.size();
  while (i > 0 && j > 0) {
    if (reference[i - 1] == candidate[j - 1]) {
      indices.push_back(i - 1);
      --i;
      --j;
    } else if (table[i][j - 1] > table[i - 1][j]) {
      --j;
    } else {
      --i;
    }
  }
  std::reverse(indices.begin(), indices.end());
  return indices;
}

// _score_lcs.
RougeScore rougeL(const Tokens& prediction, const Tokens& reference) {
  if (prediction.empty() || reference.empty()) return {};
  const double lcs = double(lcsTable(reference, prediction).back().back());
  RougeScore score;
  score.precision = lcs / double(prediction.size());
  score.recall = lcs / double(reference.size());
  score.fmeasure = fmeasure(score.precision, score.recall);
  return score;
}

std::vector<Tokens> sentenceTokens(std::string_view text, const RougeOptions& options) {
  std::vector<Tokens> sentences;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) sentences.push_back(rougeTokenize(text.substr(start, end - start), options));
    start = end + 1;
  }
  return sentences;
}

// _summary_level_lcs: union-LCS hits of every reference sentence, each token counted at most
// as often as both summaries hold it.
RougeScore rougeLsum(const std::vector<Tokens>& prediction, const std::vector<Tokens>& reference) {
  size_t referenceLength = 0, predictionLength = 0;
  std::map<std::string, size_t> referenceCounts, predictionCounts;
  for (const auto& sentence : reference)
    for (const auto& token : sentence) ++referenceLength, ++referenceCounts[token];
  for (const auto& sentence : prediction)
    for (const auto& token : sentence) ++predictionLength, ++predictionCounts[token];
  if (referenceLength == 0 || predictionLength == 0) return {};
  size_t hits = 0;
  for (const auto& sentence : reference) {
    std::set<size_t> unionIndices;
    for (const auto& candidate : prediction)
      for (size_t index : lcsIndices(sentence, candidate)) unionIndices.insert(index);
    for (size_t index : unionIndices) {
      const std::string& token = sentence[index];
      if (predictionCounts[token] > 0 && referenceCounts[token] > 0) {
        ++hits;
        --predictionCounts[token];
        --referenceCounts[token];
      }
    }
  }
  RougeScore score;
  score.recall = double(hits) / double(referenceLength);
  score.precision = double(hits) / double(predictionLength);
  score.fmeasure = fmeasure(score.precision, score.recall);
  return score;
}

void keepBetter(RougeScore& best, const RougeScore& candidate) {
  if (candidate.fmeasure > best.fmeasure) best = candidate;
}

void addTo(RougeScore& sum, const RougeScore& score) {
  sum.precision += score.precision;
  sum.recall += score.recall;
  sum.fmeasure += score.fmeasure;
}

void divide(RougeScore& sum, double count) {
  sum.precision /= count;
  sum.recall /= count;
  sum.fmeasure /= count;
}

}  // namespace

std::vector<std::string> rougeTokenize(std::string_view text, const RougeOptions& options) {
  Tokens tokens;
  for (const auto& run : tokenRuns(pythonLower(utf8ToCodePoints(text)), options.tokenizeNonLatin)) {
    std::string token = codePointsToUtf8(run);
    if (options.useStemmer && run.size() > 3 && isAsciiToken(run)) token = porterStem(token);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

RougeScores rougeScores(std::string_view prediction, std::string_view reference,
                        const RougeOptions& options) {
  const Tokens predictionTokens = rougeTokenize(prediction, options);
  const Tokens referenceTokens = rougeTokenize(reference, options);
  RougeScores scores;
  scores.rouge1 = rougeN(predictionTokens, referenceTokens, 1);
  scores.rouge2 = rougeN(predictionTokens, referenceTokens, 2);
  scores.rougeL = rougeL(predictionTokens, referenceTokens);
  scores.rougeLsum =
      rougeLsum(sentenceTokens(prediction, options), sentenceTokens(reference, options));
  return scores;
}

RougeScores rougeScoresMulti(std::string_view prediction,
                             const std::vector<std::string>& references,
                             const RougeOptions& options) {
  if (references.empty()) throw Error("ROUGE: a prediction has no reference");
  RougeScores best = rougeScores(prediction, references.front(), options);
  for (size_t i = 1; i < references.size(); ++i) {
    const RougeScores scores = rougeScores(prediction, references[i], options);
    keepBetter(best.rouge1, scores.rouge1);
    keepBetter(best.rouge2, scores.rouge2);
    keepBetter(best.rougeL, scores.rougeL);
    keepBetter(best.rougeLsum, scores.rougeLsum);
  }
  return best;
}

RougeCorpusScores rougeCorpus(const std::vector<std::string>& predictions,
                              const std::vector<std::vector<std::string>>& references,
                              const RougeOptions& options) {
  if (predictions.size() != references.size())
    throw Error("ROUGE: " + std::to_string(predictions.size()) + " predictions but " +
                std::to_string(references.size()) + " reference lists");
  if (predictions.empty()) throw Error("ROUGE: no predictions to score");
  RougeCorpusScores corpus;
  for (size_t i = 0; i < predictions.size(); ++i) {
    corpus.items.push_back(rougeScoresMulti(predictions[i], references[i], options));
    addTo(corpus.mean.rouge1, corpus.items.back().rouge1);
    addTo(corpus.mean.rouge2, corpus.items.back().rouge2);
    addTo(corpus.mean.rougeL, corpus.items.back().rougeL);
    addTo(corpus.mean.rougeLsum, corpus.items.back().rougeLsum);
  }
  const double count = double(predictions.size());
  for (RougeScore* score :
       {&corpus.mean.rouge1, &corpus.mean.rouge2, &corpus.mean.rougeL, &corpus.mean.rougeLsum})
    divide(*score, count);
  return corpus;
}

}  // namespace tunebench
