#include "eval/ReferenceMetrics.h"

#include <algorithm>

#include "common/Error.h"
#include "eval/BootstrapInterval.h"

namespace tunebench {

namespace {

bool asked(const ReferenceMetricOptions& options, const char* family) {
  return std::find(options.metrics.begin(), options.metrics.end(), family) != options.metrics.end();
}

void checkFamilies(const ReferenceMetricOptions& options) {
  for (const auto& name : options.metrics)
    if (!isReferenceMetricFamily(name))
      throw Error("reference metrics: unknown metric \"" + name +
                  "\" (known: " + referenceMetricFamilyList() + ")");
}

}  // namespace

const std::vector<std::string>& referenceMetricFamilies() {
  static const std::vector<std::string> families = {"bleu", "chrf", "rouge", "squad"};
  return families;
}

std::string referenceMetricFamilyList() {
  std::string list;
  for (const auto& name : referenceMetricFamilies()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

bool isReferenceMetricFamily(const std::string& name) {
  const auto& families = referenceMetricFamilies();
  return std::find(families.begin(), families.end(), name) != families.end();
}

ReferenceMetricTable::ReferenceMetricTable(const std::vector<std::string>& predictions,
                                           const std::vector<std::vector<std::string>>& references,
                                           const ReferenceMetricOptions& options)
    : itemCount_(predictions.size()) {
  checkFamilies(options);
  if (predictions.size() != references.size())
    throw Error("reference metrics: " + std::to_string(predictions.size()) + " predictions but " +
                std::to_string(references.size()) + " reference lists");
  if (predictions.empty()) throw Error("reference metrics: no predictions to score");
  const auto add = [this](const char* name, Figure figure) {
    names_.emplace_back(name);
    figures_.push_back(figure);
  };
  if (asked(options, "bleu")) {
    bleu_ = bleuSegmentStatistics(predictions, references);
    add("bleu", Figure::Bleu);
    signatures_.emplace_back("bleu", bleuSignature(references));
  }
  if (asked(options, "chrf")) {
    chrf_ = chrfSegmentStatistics(predictions, references, chrfOptions_);
    add("chrf", Figure::Chrf);
    signatures_.emplace_back("chrf", chrfSignature(references, chrfOptions_));
  }
  if (asked(options, "rouge")) {
    RougeOptions rougeOptions;
    rougeOptions.useStemmer = options.rougeStemmer;
    rouge_ = rougeCorpus(predictions, references, rougeOptions).items;
    add("rouge1", Figure::Rouge1);
    add("rouge2", Figure::Rouge2);
    add("rougeL", Figure::RougeL);
    add("rougeLsum", Figure::RougeLsum);
  }
  if (asked(options, "squad")) {
    squad_ = squadScores(predictions, references).items;
    add("squad_exact_match", Figure::SquadExactMatch);
    add("squad_f1", Figure::SquadF1);
  }
}

double ReferenceMetricTable::score(size_t figure, const std::vector<size_t>& itemIndices) const {
  if (figure >= figures_.size())
    throw Error("reference metrics: no figure " + std::to_string(figure));
  if (itemIndices.empty()) throw Error("reference metrics: no items to score");
  for (size_t index : itemIndices)
    if (index >= itemCount_)
      throw Error("reference metrics: item " + std::to_string(index) + " of " +
                  std::to_string(itemCount_));
  switch (figures_[figure]) {
    case Figure::Bleu: {
      BleuStatistics sum;
      for (size_t index : itemIndices) sum += bleu_[index];
      return bleuFromStatistics(sum).score;
    }
    case Figure::Chrf: {
      ChrfStatistics sum(chrf_.front().size(), 0);
      for (size_t index : itemIndices)
        for (size_t i = 0; i < sum.size(); ++i) sum[i] += chrf_[index][i];
      return chrfFromStatistics(sum, chrfOptions_);
    }
    default:
      return meanOf(figures_[figure], itemIndices);
  }
}

double ReferenceMetricTable::meanOf(Figure figure, const std::vector<size_t>& itemIndices) const {
  double sum = 0;
  for (size_t index : itemIndices) sum += itemValue(figure, index);
  const double count = double(itemIndices.size());
  // The same operations as squadScores, so that the full set gives its figures to the bit.
  if (figure == Figure::SquadExactMatch || figure == Figure::SquadF1) return 100.0 * sum / count;
  return sum / count;
}

// Per-item values on the scale the reference averages them in (SQuAD: 0..1).
double ReferenceMetricTable::itemValue(Figure figure, size_t item) const {
  switch (figure) {
    case Figure::Rouge1:
      return rouge_[item].rouge1.fmeasure;
    case Figure::Rouge2:
      return rouge_[item].rouge2.fmeasure;
    case Figure::RougeL:
      return rouge_[item].rougeL.fmeasure;
    case Figure::RougeLsum:
      return rouge_[item].rougeLsum.fmeasure;
    case Figure::SquadExactMatch:
      return squad_[item].exactMatch;
    case Figure::SquadF1:
      return squad_[item].f1;
    default:
      throw Error("reference metrics: a corpus figure has no per-item mean");
  }
}

NamedScores ReferenceMetricTable::itemScores(size_t item) const {
  if (item >= itemCount_) throw Error("reference metrics: no item " + std::to_string(item));
  NamedScores scores;
  if (!chrf_.empty()) scores.emplace_back("chrf", chrfFromStatistics(chrf_[item], chrfOptions_));
  if (!rouge_.empty()) scores.emplace_back("rougeL", rouge_[item].rougeL.fmeasure);
  if (!squad_.empty()) scores.emplace_back("squad_f1", 100.0 * squad_[item].f1);
  return scores;
}

ReferenceMetricResult referenceMetrics(const std::vector<std::string>& predictions,
                                       const std::vector<std::vector<std::string>>& references,
                                       const ReferenceMetricOptions& options) {
  checkFamilies(options);
  ReferenceMetricResult result;
  if (options.metrics.empty()) return result;
  const ReferenceMetricTable table(predictions, references, options);
  std::vector<size_t> all(table.itemCount());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  BootstrapOptions bootstrap;
  bootstrap.resamples = options.bootstrapResamples;
  bootstrap.confidence = options.confidence;
  bootstrap.seed = options.bootstrapSeed;
  for (size_t figure = 0; figure < table.names().size(); ++figure) {
    const std::string& name = table.names()[figure];
    if (options.bootstrapResamples == 0) {
      result.metrics.emplace_back(name, table.score(figure, all));
      continue;
    }
    const auto interval = bootstrapInterval(
        table.itemCount(),
        [&](const std::vector<size_t>& indices) { return table.score(figure, indices); },
        bootstrap);
    result.metrics.emplace_back(name, interval.estimate);
    result.metrics.emplace_back(name + "_ci_low", interval.low);
    result.metrics.emplace_back(name + "_ci_high", interval.high);
  }
  result.signatures = table.signatures();
  result.items.reserve(table.itemCount());
  for (size_t i = 0; i < table.itemCount(); ++i) result.items.push_back(table.itemScores(i));
  return result;
}

ReferenceMetricResult referenceMetrics(const std::vector<std::string>& predictions,
                                       const std::vector<std::string>& references,
                                       const ReferenceMetricOptions& options) {
  std::vector<std::vector<std::string>> lists;
  lists.reserve(references.size());
  for (const auto& reference : references) lists.push_back({reference});
  return referenceMetrics(predictions, lists, options);
}

}  // namespace tunebench
