#pragma once
// Corpus BLEU exactly as sacreBLEU 2.6.0 computes it with its defaults (BLEU() then
// corpus_score): the "13a" tokenizer (mteval-v13a's rules), n-grams up to 4, "exp" smoothing
// (NIST: the k-th order without a match counts 1 / 2^k of its n-grams), no effective order,
// brevity penalty from the reference length closest to each hypothesis (ties to the shorter),
// n-gram counts clipped by the most any one reference has, and optional lower-casing (Python's
// str.lower()). Each segment is right-stripped before it is tokenised, as sacreBLEU does.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

inline constexpr int kBleuMaxOrder = 4;
// The sacreBLEU release whose code these metrics (BLEU, chrF) were written against.
inline constexpr const char* kSacreBleuVersion = "2.6.0";

struct BleuOptions {
  bool lowercase = false;
};

// One segment's sufficient statistics; corpus BLEU is computed from their sum.
struct BleuStatistics {
  size_t sysLen = 0;  // hypothesis tokens
  size_t refLen = 0;  // tokens of the closest reference
  std::array<size_t, kBleuMaxOrder> matches{};
  std::array<size_t, kBleuMaxOrder> totals{};

  BleuStatistics& operator+=(const BleuStatistics& other);
};

struct BleuScore {
  double score = 0;                                // 0..100
  std::array<double, kBleuMaxOrder> precisions{};  // percent, per n-gram order
  std::array<size_t, kBleuMaxOrder> matches{};
  std::array<size_t, kBleuMaxOrder> totals{};
  double bp = 0;     // brevity penalty
  double ratio = 0;  // sysLen / refLen
  size_t sysLen = 0;
  size_t refLen = 0;
  // "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0" ("nrefs:var" when the number
  // of references differs between segments).
  std::string signature;
};

// sacreBLEU's Tokenizer13a: the segment's tokens joined by single spaces.
std::string tokenize13a(std::string_view line);

// references[i] holds the references of hypotheses[i] (one or more; not sacreBLEU's layout of
// one stream per reference). Throws tunebench::Error when the counts differ or a hypothesis has
// no reference.
std::vector<BleuStatistics> bleuSegmentStatistics(
    const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const BleuOptions& options = {});

// BLEU.compute_bleu for summed statistics (signature left empty).
BleuScore bleuFromStatistics(const BleuStatistics& corpus);

std::string bleuSignature(const std::vector<std::vector<std::string>>& references,
                          const BleuOptions& options = {});

BleuScore corpusBleu(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references,
                     const BleuOptions& options = {});

}  // namespace tunebench
