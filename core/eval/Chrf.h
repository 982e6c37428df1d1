#pragma once
// chrF and chrF++ exactly as sacreBLEU 2.6.0's CHRF computes them (corpus_score): character
// n-grams of orders 1..6 with whitespace removed, optional word n-grams (2 for chrF++, words
// split at whitespace with one punctuation character split off the end or else the start, as in
// the reference chrF++.py), beta 2, per segment the reference whose statistics give the best
// F-score (the first one on a tie), statistics summed over the corpus, and the F-score of the
// precision and recall averaged over the orders that have n-grams on both sides (sacreBLEU's
// default, "eff:yes"; epsSmoothing switches to chrF++.py's eps smoothing, "eff:no").
#include <cstddef>
#include <string>
#include <vector>

namespace tunebench {

struct ChrfOptions {
  int charOrder = 6;
  int wordOrder = 0;  // 2 gives chrF++
  int beta = 2;
  bool lowercase = false;   // Python's str.lower() on every segment
  bool whitespace = false;  // keep whitespace in character n-grams
  bool epsSmoothing = false;
};

// For each order (character orders first, then word orders) three counts: hypothesis n-grams
// (0 when the reference has none of that order), reference n-grams, matched n-grams.
using ChrfStatistics = std::vector<size_t>;

struct ChrfScore {
  double score = 0;  // 0..100
  std::string name;  // "chrF2", "chrF2++"
  // "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"
  std::string signature;
};

// references[i] holds the references of hypotheses[i]. Throws tunebench::Error when the counts
// differ, when there is nothing to score, when a hypothesis has no reference or for orders below
// 0 (charOrder below 1) or a beta below 1.
std::vector<ChrfStatistics> chrfSegmentStatistics(
    const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const ChrfOptions& options = {});

// CHRF._compute_f_score of (summed) statistics, 0..100.
double chrfFromStatistics(const ChrfStatistics& statistics, const ChrfOptions& options = {});

std::string chrfSignature(const std::vector<std::vector<std::string>>& references,
                          const ChrfOptions& options = {});

ChrfScore corpusChrf(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references,
                     const ChrfOptions& options = {});

}  // namespace tunebench
