#include "eval/Bleu.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common/Error.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

namespace {

using NgramCounts = std::array<std::unordered_map<std::string, size_t>, kBleuMaxOrder>;

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
  std::string out;
  size_t at = 0;
  for (size_t found; (found = text.find(from, at)) != std::string::npos; at = found + from.size())
    out.append(text, at, found - at).append(to);
  return out.append(text, at, std::string::npos);
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// mteval-v13a's first rule: ASCII punctuation other than ' , - . and the space itself get a
// space on each side (sacreBLEU's class [\{-\~\[-\` -\&\(-\+\:-\@\/]).
bool isSpacedSymbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// One left-to-right pass of re.sub with a two-character pattern: where matches(text[i],
// text[i+1]), the pair is rewritten and scanning resumes after it. Every pattern involved ends or
// starts with ASCII, so working on UTF-8 bytes finds the matches Python finds on characters.
template <typename Matches, typename Rewrite>
std::string rewritePairs(const std::string& text, Matches matches, Rewrite rewrite) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (i + 1 < text.size() && matches(text[i], text[i + 1])) {
      out += rewrite(text[i], text[i + 1]);
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// TokenizerRegexp: the four substitutions in sacreBLEU's order, then single spaces.
std::string tokenizeRegexp(const std::string& line) {
  std::string text;
  for (char c : line) text += isSpacedSymbol(c) ? std::string{' ', c, ' '} : std::string(1, c);
  auto isPeriodOrComma = [](char c) { return c == '.' || c == ','; };
  text = rewritePairs(
      text, [&](char a, char b) { return !isDigit(a) && isPeriodOrComma(b); },
      [](char a, char b) {
        return std::string{a, ' ', b, ' '};
      });
  text = rewritePairs(
      text, [&](char a, char b) { return isPeriodOrComma(a) && !isDigit(b); },
      [](char a, char b) {
        return std::string{' ', a, ' ', b};
      });
  text = rewritePairs(
      text, [](char a, char b) { return isDigit(a) && b == '-'; },
      [](char a, char b) {
        return std::string{a, ' ', b, ' '};
      });
  std::string joined;
  for (const auto& token : pythonSplit(text, nullptr, -1, false))
    joined += (joined.empty() ? "" : " ") + token;
  return joined;
}

std::vector<std::string> preprocessedTokens(const std::string& segment,
                                            const BleuOptions& options) {
  const std::string text = options.lowercase ? pythonLower(segment) : segment;
  return pythonSplit(tokenize13a(pythonStrip(text, nullptr, false, true)), nullptr, -1, false);
}

// Tokens never contain a space, so joining them with one keeps n-grams apart.
NgramCounts countNgrams(const std::vector<std::string>& tokens) {
  NgramCounts counts;
  for (size_t n = 1; n <= kBleuMaxOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string ngram = tokens[i];
      for (size_t k = i + 1; k < i + n; ++k) ngram += ' ' + tokens[k];
      ++counts[n - 1][ngram];
    }
  }
  return counts;
}

// _get_closest_ref_len: the smallest difference in length, the shorter reference on a tie.
size_t closestReferenceLength(size_t hypothesisLength, const std::vector<size_t>& lengths) {
  const auto distance = [hypothesisLength](size_t length) {
    return length > hypothesisLength ? length - hypothesisLength : hypothesisLength - length;
  };
  size_t best = lengths.front();
  for (size_t length : lengths)
    if (distance(length) < distance(best) || (distance(length) == distance(best) && length < best))
      best = length;
  return best;
}

BleuStatistics segmentStatistics(const std::string& hypothesis,
                                 const std::vector<std::string>& references,
                                 const BleuOptions& options) {
  NgramCounts referenceCounts;
  std::vector<size_t> referenceLengths;
  for (const auto& reference : references) {
    const auto tokens = preprocessedTokens(reference, options);
    referenceLengths.push_back(tokens.size());
    const NgramCounts counts = countNgrams(tokens);
    for (int n = 0; n < kBleuMaxOrder; ++n)
      for (const auto& [ngram, count] : counts[n])
        referenceCounts[n][ngram] = std::max(referenceCounts[n][ngram], count);
  }
  const auto tokens = preprocessedTokens(hypothesis, options);
  BleuStatistics stats;
  stats.sysLen = tokens.size();
  stats.refLen = closestReferenceLength(tokens.size(), referenceLengths);
  const NgramCounts counts = countNgrams(tokens);
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    for (const auto& [ngram, count] : counts[n]) {
      stats.totals[n] += count;
      auto found = referenceCounts[n].find(ngram);
      if (found != referenceCounts[n].end()) stats.matches[n] += std::min(count, found->second);
    }
  }
  return stats;
}

// sacreBLEU's my_log: log, with log(0) floored to -9999999999.
double flooredLog(double value) {
  return value == 0.0 ? -9999999999.0 : std::log(value);
}

}  // namespace

BleuStatistics& BleuStatistics::operator+=(const BleuStatistics& other) {
  sysLen += other.sysLen;
  refLen += other.refLen;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    matches[n] += other.matches[n];
    totals[n] += other.totals[n];
  }
  return *this;
}

std::string tokenize13a(std::string_view line) {
  std::string text = replaceAll(std::string(line), "<skipped>", "");
  text = replaceAll(text, "-\n", "");
  text = replaceAll(text, "\n", " ");
  if (text.find('&') != std::string::npos) {
    text = replaceAll(text, "&quot;", "\"");
    text = replaceAll(text, "&amp;", "&");
    text = replaceAll(text, "&lt;", "<");
    text = replaceAll(text, "&gt;", ">");
  }
  return tokenizeRegexp(" " + text + " ");
}

std::vector<BleuStatistics> bleuSegmentStatistics(
    const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const BleuOptions& options) {
  if (hypotheses.size() != references.size())
    throw Error("BLEU: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                std::to_string(references.size()) + " reference lists");
  if (hypotheses.empty()) throw Error("BLEU: no hypotheses to score");
  std::vector<BleuStatistics> statistics;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty())
      throw Error("BLEU: hypothesis " + std::to_string(i + 1) + " has no reference");
    statistics.push_back(segmentStatistics(hypotheses[i], references[i], options));
  }
  return statistics;
}

BleuScore bleuFromStatistics(const BleuStatistics& corpus) {
  BleuScore result;
  result.matches = corpus.matches;
  result.totals = corpus.totals;
  result.sysLen = corpus.sysLen;
  result.refLen = corpus.refLen;
  result.ratio = corpus.refLen ? double(corpus.sysLen) / double(corpus.refLen) : 0.0;
  result.bp = 1.0;
  if (corpus.sysLen < corpus.refLen)
    result.bp =
        corpus.sysLen > 0 ? std::exp(1 - double(corpus.refLen) / double(corpus.sysLen)) : 0.0;
  const bool anyMatch = std::any_of(corpus.matches.begin(), corpus.matches.end(),
                                    [](size_t count) { return count > 0; });
  if (!anyMatch) return result;
  double smoothing = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    if (corpus.totals[n] == 0) break;
    if (corpus.matches[n] == 0) {
      smoothing *= 2;
      result.precisions[n] = 100. / (smoothing * double(corpus.totals[n]));
    } else {
      result.precisions[n] = 100. * double(corpus.matches[n]) / double(corpus.totals[n]);
    }
  }
  double logSum = 0;
  for (double precision : result.precisions) logSum += flooredLog(precision);
  result.score = result.bp * std::exp(logSum / kBleuMaxOrder);
  return result;
}

std::string bleuSignature(const std::vector<std::vector<std::string>>& references,
                          const BleuOptions& options) {
  std::set<size_t> counts;
  for (const auto& list : references) counts.insert(list.size());
  const std::string nrefs = counts.size() == 1 ? std::to_string(*counts.begin()) : "var";
  return "nrefs:" + nrefs + "|case:" + (options.lowercase ? "lc" : "mixed") +
         "|eff:no|tok:13a|smooth:exp|version:" + kSacreBleuVersion;
}

BleuScore corpusBleu(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references,
                     const BleuOptions& options) {
  BleuStatistics corpus;
  for (const auto& segment : bleuSegmentStatistics(hypotheses, references, options))
    corpus += segment;
  BleuScore score = bleuFromStatistics(corpus);
  score.signature = bleuSignature(references, options);
  return score;
}

}  // namespace tunebench
