#pragma once
// Reference-based scores of generated text, each with an optional percentile bootstrap interval
// over the items (BootstrapInterval.h). The families and the figures they give, in this order:
//   "bleu"  -> bleu                      sacreBLEU corpus BLEU (Bleu.h), 0..100
//   "chrf"  -> chrf                      sacreBLEU corpus chrF2 (Chrf.h), 0..100
//   "rouge" -> rouge1 rouge2 rougeL rougeLsum
//                                        rouge-score F-measures, means over the items (Rouge.h),
//                                        0..1 as rouge-score gives them
//   "squad" -> squad_exact_match squad_f1
//                                        SQuAD v1.1 script (SquadMetrics.h), 0..100 as it prints
// Each figure is followed, when bootstrapping, by "<name>_ci_low" and "<name>_ci_high". BLEU and
// chrF are corpus metrics: every resample sums its items' segment statistics and scores the sum
// (not a mean of sentence scores); the other figures are means of per-item scores. Every figure
// is resampled with the same seed, so all intervals come from the same resamples.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "eval/Bleu.h"
#include "eval/Chrf.h"
#include "eval/Rouge.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

using NamedScores = std::vector<std::pair<std::string, double>>;

// "bleu", "chrf", "rouge", "squad": the names ReferenceMetricOptions::metrics accepts.
const std::vector<std::string>& referenceMetricFamilies();
// Those names joined by ", " (for messages).
std::string referenceMetricFamilyList();
bool isReferenceMetricFamily(const std::string& name);

struct ReferenceMetricOptions {
  std::vector<std::string> metrics;  // families in any order; repeats count once
  bool rougeStemmer = false;
  size_t bootstrapResamples = 1000;  // 0 = no intervals
  uint64_t bootstrapSeed = 1234;
  double confidence = 0.95;
};

struct ReferenceMetricResult {
  NamedScores metrics;  // in the order above; empty when no family was asked for
  // ("bleu", sacreBLEU's signature), ("chrf", ...) for the families asked for.
  std::vector<std::pair<std::string, std::string>> signatures;
  // Per item, on the scale of the corpus figure of the same name: "chrf" (sentence chrF, which
  // the corpus chrF is not the mean of), "rougeL", "squad_f1" (the corpus figures are means).
  std::vector<NamedScores> items;
};

// The per-item statistics of the asked-for families, from which each figure is scored on any
// multiset of items.
class ReferenceMetricTable {
 public:
  // references[i] holds the references of predictions[i]. Throws tunebench::Error for an
  // unknown family, when the counts differ, when there are no items or an item has no
  // reference.
  ReferenceMetricTable(const std::vector<std::string>& predictions,
                       const std::vector<std::vector<std::string>>& references,
                       const ReferenceMetricOptions& options);

  size_t itemCount() const { return itemCount_; }
  // The figures' names ("bleu", "rouge1", ...), in the order results list them.
  const std::vector<std::string>& names() const { return names_; }
  // Figure `figure` (an index into names()) on the items at these indices (an index may repeat).
  // Throws tunebench::Error when itemIndices is empty or an index is out of range.
  double score(size_t figure, const std::vector<size_t>& itemIndices) const;
  NamedScores itemScores(size_t item) const;
  const std::vector<std::pair<std::string, std::string>>& signatures() const { return signatures_; }

 private:
  enum class Figure { Bleu, Chrf, Rouge1, Rouge2, RougeL, RougeLsum, SquadExactMatch, SquadF1 };
  double meanOf(Figure figure, const std::vector<size_t>& itemIndices) const;
  double itemValue(Figure figure, size_t item) const;

  size_t itemCount_ = 0;
  std::vector<std::string> names_;
  std::vector<Figure> figures_;
  std::vector<std::pair<std::string, std::string>> signatures_;
  ChrfOptions chrfOptions_;
  std::vector<BleuStatistics> bleu_;
  std::vector<ChrfStatistics> chrf_;
  std::vector<RougeScores> rouge_;
  std::vector<SquadItemScore> squad_;
};

// The figures, intervals, signatures and per-item scores of the asked-for families. Throws like
// ReferenceMetricTable (and for a confidence outside (0, 1) when bootstrapping); with no family
// asked for it returns an empty result without looking at the texts.
ReferenceMetricResult referenceMetrics(const std::vector<std::string>& predictions,
                                       const std::vector<std::vector<std::string>>& references,
                                       const ReferenceMetricOptions& options);
// One reference per item.
ReferenceMetricResult referenceMetrics(const std::vector<std::string>& predictions,
                                       const std::vector<std::string>& references,
                                       const ReferenceMetricOptions& options);

}  // namespace tunebench
