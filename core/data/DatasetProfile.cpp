#include "data/DatasetProfile.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "data/TextNormalization.h"

namespace tunebench {

namespace {

size_t codePoints(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::vector<std::pair<std::string, const std::string*>> namedTexts(const Example& e,
                                                                   DatasetKind kind) {
  std::vector<std::pair<std::string, const std::string*>> out;
  switch (kind) {
    case DatasetKind::Instruction:
      out = {{"instruction", &e.instruction}, {"input", &e.input}, {"output", &e.output}};
      break;
    case DatasetKind::Chat:
      for (const auto& m : e.messages) out.push_back({m.role, &m.content});
      break;
    case DatasetKind::Preference:
      for (const auto& m : e.messages) out.push_back({"prompt", &m.content});
      for (const auto& m : e.chosen) out.push_back({"chosen", &m.content});
      for (const auto& m : e.rejected) out.push_back({"rejected", &m.content});
      break;
    case DatasetKind::RawText:
    case DatasetKind::Classification:
      out = {{"text", &e.text}};
      break;
  }
  return out;
}

Histogram makeHistogram(const std::vector<size_t>& values, int bins) {
  Histogram h;
  if (values.empty() || bins < 1) return h;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double low = double(*lo);
  const double width = std::max(1.0, (double(*hi) - low) / bins);
  for (int i = 0; i <= bins; ++i) h.edges.push_back(low + width * i);
  h.counts.assign(size_t(bins), 0);
  for (size_t v : values) {
    const auto bin = std::min<size_t>(size_t(bins - 1), size_t((double(v) - low) / width));
    ++h.counts[bin];
  }
  return h;
}

LengthStats lengthStats(std::vector<size_t> values, int bins) {
  LengthStats s;
  s.count = values.size();
  if (values.empty()) return s;
  s.histogram = makeHistogram(values, bins);
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.max = values.back();
  s.mean = double(std::accumulate(values.begin(), values.end(), size_t(0))) / double(values.size());
  auto rank = [&](double p) {
    const auto k = size_t(std::ceil(p * double(values.size())));
    return values[std::max<size_t>(1, k) - 1];
  };
  s.p50 = rank(0.5);
  s.p90 = rank(0.9);
  s.p99 = rank(0.99);
  return s;
}

nlohmann::json LengthStats::toJson() const {
  return {
      {"count", count}, {"min", min},
      {"max", max},     {"mean", mean},
      {"p50", p50},     {"p90", p90},
      {"p99", p99},     {"histogram", {{"edges", histogram.edges}, {"counts", histogram.counts}}}};
}

nlohmann::json DatasetProfile::toJson() const {
  nlohmann::json chars = nlohmann::json::object();
  for (const auto& [field, stats] : characters) chars[field] = stats.toJson();
  nlohmann::json toks = nlohmann::json::object();
  for (const auto& [field, stats] : tokens) toks[field] = stats.toJson();
  return {{"kind", datasetKindName(kind)},
          {"examples", examples},
          {"characters", chars},
          {"tokens", toks},
          {"truncatedShare", truncatedShare},
          {"labels", labels},
          {"imbalanceRatio", imbalanceRatio},
          {"exactDuplicates", exactDuplicates},
          {"emptyFields", emptyFields},
          {"emptyInputs", emptyInputs},
          {"unusedFields", unusedFields}};
}

DatasetProfile profileDataset(const Dataset& dataset, const ProfileOptions& options) {
  DatasetProfile p;
  p.kind = dataset.kind;
  p.examples = dataset.examples.size();
  std::map<std::string, std::vector<size_t>> chars, tokens;
  std::unordered_set<std::string> seen;
  size_t truncated = 0;
  for (const auto& e : dataset.examples) {
    for (const auto& [field, text] : namedTexts(e, dataset.kind)) {
      chars[field].push_back(codePoints(*text));
      if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
        // Alpaca-style data leaves the input empty where the instruction says it all.
        if (dataset.kind == DatasetKind::Instruction && text == &e.input)
          ++p.emptyInputs;
        else
          ++p.emptyFields;
      }
      if (options.countTokens) tokens[field].push_back(options.countTokens(*text));
    }
    const std::string joined = joinedText(e, dataset.kind);
    chars["all"].push_back(codePoints(joined));
    if (options.countTokens) {
      const size_t n = options.countTokens(joined);
      tokens["all"].push_back(n);
      if (options.maxTokens > 0 && n > options.maxTokens) ++truncated;
    }
    if (!seen.insert(duplicateKey(joined)).second) ++p.exactDuplicates;
    if (dataset.kind == DatasetKind::Classification) ++p.labels[e.label];
  }
  for (auto& [field, values] : chars)
    p.characters[field] = lengthStats(std::move(values), options.bins);
  for (auto& [field, values] : tokens)
    p.tokens[field] = lengthStats(std::move(values), options.bins);
  if (p.examples > 0) p.truncatedShare = double(truncated) / double(p.examples);
  if (!p.labels.empty()) {
    size_t most = 0, least = SIZE_MAX;
    for (const auto& [label, count] : p.labels) {
      most = std::max(most, count);
      least = std::min(least, count);
    }
    p.imbalanceRatio = double(most) / double(least);
  }
  return p;
}

}  // namespace tunebench
