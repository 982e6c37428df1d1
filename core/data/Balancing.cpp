#include "data/Balancing.h"

#include <algorithm>
#include <random>

#include "common/Error.h"

namespace tunebench {

namespace {

std::map<std::string, std::vector<size_t>> byLabel(const std::vector<std::string>& labels) {
  std::map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < labels.size(); ++i) members[labels[i]].push_back(i);
  return members;
}

void shuffle(std::vector<size_t>& items, std::mt19937_64& random) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[random() % i]);
}

}  // namespace

std::vector<size_t> randomOversample(const std::vector<std::string>& labels, uint64_t seed) {
  const auto members = byLabel(labels);
  size_t largest = 0;
  for (const auto& [label, items] : members) largest = std::max(largest, items.size());
  std::mt19937_64 random(seed);
  std::vector<size_t> out;
  for (const auto& [label, items] : members) {
    out.insert(out.end(), items.begin(), items.end());
    for (size_t k = items.size(); k < largest; ++k) out.push_back(items[random() % items.size()]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<size_t> randomUndersample(const std::vector<std::string>& labels, uint64_t seed) {
  const auto members = byLabel(labels);
  size_t smallest = labels.size();
  for (const auto& [label, items] : members) smallest = std::min(smallest, items.size());
  std::mt19937_64 random(seed);
  std::vector<size_t> out;
  for (auto [label, items] : members) {
    shuffle(items, random);
    out.insert(out.end(), items.begin(), items.begin() + long(smallest));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, double> balancedClassWeights(const std::vector<std::string>& labels) {
  std::map<std::string, double> weights;
  const auto members = byLabel(labels);
  for (const auto& [label, items] : members)
    weights[label] = double(labels.size()) / (double(members.size()) * double(items.size()));
  return weights;
}

std::string classWeightsJson(const std::map<std::string, double>& weights) {
  std::string text = "{";
  for (const auto& [label, weight] : weights) {
    if (text.size() > 1) text += ", ";
    text += nlohmann::json(label).dump() + ": " + nlohmann::json(weight).dump();
  }
  return text + "}";
}

nlohmann::json LossBalancing::toJson() const {
  return {{"loss", loss == Loss::Focal ? "focal" : "cross-entropy"},
          {"focalGamma", focalGamma},
          {"classWeights", classWeights}};
}

LossBalancing LossBalancing::fromJson(const nlohmann::json& json) {
  return withContext("reading loss balancing settings", [&] {
    LossBalancing b;
    const std::string loss = json.value("loss", "cross-entropy");
    if (loss != "focal" && loss != "cross-entropy")
      throw Error("loss must be \"cross-entropy\" or \"focal\", not \"" + loss + "\"");
    b.loss = loss == "focal" ? Loss::Focal : Loss::CrossEntropy;
    b.focalGamma = json.value("focalGamma", 2.0);
    if (b.focalGamma < 0) throw Error("focalGamma must be >= 0");
    b.classWeights = json.value("classWeights", std::map<std::string, double>{});
    return b;
  });
}

}  // namespace tunebench
