#include "data/Splits.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "common/Error.h"

namespace tunebench {

namespace {

// Fisher-Yates with our own index draw, so the order is the same with every standard library.
void shuffle(std::vector<size_t>& items, std::mt19937_64& random) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[random() % i]);
}

std::vector<size_t> iota(size_t count) {
  std::vector<size_t> items(count);
  std::iota(items.begin(), items.end(), size_t(0));
  return items;
}

void checkShare(double share, const char* name) {
  // Written so that NaN, which compares false with everything, fails too.
  if (!(share >= 0 && share < 1))
    throw Error(std::string("split setting ") + name + " must be at least 0 and below 1");
}

// Class name -> member indices, classes in order of first appearance.
std::vector<std::vector<size_t>> membersByClass(const std::vector<std::string>& labels) {
  std::map<std::string, size_t> index;
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [it, inserted] = index.emplace(labels[i], members.size());
    if (inserted) members.emplace_back();
    members[it->second].push_back(i);
  }
  return members;
}

}  // namespace

nlohmann::json Split::toJson() const {
  return {{"train", train}, {"validation", validation}, {"test", test}};
}

Split randomSplit(size_t count, double validationShare, double testShare, uint64_t seed) {
  checkShare(validationShare, "validation share");
  checkShare(testShare, "test share");
  if (validationShare + testShare >= 1)
    throw Error("validation and test shares must leave something to train on");
  std::mt19937_64 random(seed);
  auto items = iota(count);
  shuffle(items, random);
  const auto testCount = size_t(std::ceil(testShare * double(count)));
  const auto validationCount =
      std::min(count - testCount, size_t(std::ceil(validationShare * double(count))));
  Split split;
  split.test.assign(items.begin(), items.begin() + long(testCount));
  split.validation.assign(items.begin() + long(testCount),
                          items.begin() + long(testCount + validationCount));
  split.train.assign(items.begin() + long(testCount + validationCount), items.end());
  return split;
}

std::vector<size_t> proportionalCounts(const std::vector<size_t>& classSizes, size_t draws,
                                       std::mt19937_64& random) {
  const double total = double(std::accumulate(classSizes.begin(), classSizes.end(), size_t(0)));
  std::vector<size_t> counts(classSizes.size());
  std::vector<double> remainders(classSizes.size());
  size_t assigned = 0;
  for (size_t c = 0; c < classSizes.size(); ++c) {
    const double exact = double(classSizes[c]) / total * double(draws);
    counts[c] = size_t(std::floor(exact));
    remainders[c] = exact - std::floor(exact);
    assigned += counts[c];
  }
  size_t left = draws - assigned;
  // Largest remainders first; among equal remainders, a seeded random choice.
  std::vector<double> values(remainders);
  std::sort(values.begin(), values.end(), std::greater<>());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (double value : values) {
    if (left == 0) break;
    std::vector<size_t> tied;
    for (size_t c = 0; c < remainders.size(); ++c)
      if (remainders[c] == value) tied.push_back(c);
    shuffle(tied, random);
    for (size_t k = 0; k < tied.size() && left > 0; ++k, --left) ++counts[tied[k]];
  }
  return counts;
}

Split stratifiedSplit(const std::vector<std::string>& labels, double testShare, uint64_t seed) {
  checkShare(testShare, "test share");
  const size_t n = labels.size();
  const auto members = membersByClass(labels);
  std::vector<size_t> sizes;
  for (const auto& m : members) {
    if (m.size() < 2)
      throw Error("stratified split: label \"" + labels[m.front()] +
                  "\" has a single example; every label needs at least two");
    sizes.push_back(m.size());
  }
  const auto testCount = size_t(std::ceil(testShare * double(n)));
  const size_t trainCount = n - testCount;
  if (trainCount < members.size() || testCount < members.size())
    throw Error("stratified split: with " + std::to_string(members.size()) +
                " labels, both sides need at least that many examples (train " +
                std::to_string(trainCount) + ", test " + std::to_string(testCount) + ")");
  std::mt19937_64 random(seed);
  const auto trainCounts = proportionalCounts(sizes, trainCount, random);
  std::vector<size_t> remaining(sizes.size());
  for (size_t c = 0; c < sizes.size(); ++c) remaining[c] = sizes[c] - trainCounts[c];
  const auto testCounts = proportionalCounts(remaining, testCount, random);
  Split split;
  for (size_t c = 0; c < members.size(); ++c) {
    auto items = members[c];
    shuffle(items, random);
    split.train.insert(split.train.end(), items.begin(), items.begin() + long(trainCounts[c]));
    split.test.insert(split.test.end(), items.begin() + long(trainCounts[c]),
                      items.begin() + long(trainCounts[c] + testCounts[c]));
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<Split> kFoldSplits(size_t count, int folds, uint64_t seed,
                               const std::vector<std::string>* labels) {
  if (folds < 2 || size_t(folds) > count)
    throw Error("k-fold: need 2 <= k <= number of examples (k = " + std::to_string(folds) +
                ", examples = " + std::to_string(count) + ")");
  std::mt19937_64 random(seed);
  std::vector<std::vector<size_t>> fold(static_cast<size_t>(folds));
  if (labels) {
    if (labels->size() != count) throw Error("k-fold: one label per example is needed");
    size_t next = 0;  // continue dealing where the previous class stopped, to balance sizes
    for (auto items : membersByClass(*labels)) {
      shuffle(items, random);
      for (size_t i : items) fold[next++ % size_t(folds)].push_back(i);
    }
  } else {
    auto items = iota(count);
    shuffle(items, random);
    size_t at = 0;
    for (size_t f = 0; f < size_t(folds); ++f) {
      const size_t size = count / size_t(folds) + (f < count % size_t(folds) ? 1 : 0);
      fold[f].assign(items.begin() + long(at), items.begin() + long(at + size));
      at += size;
    }
  }
  std::vector<Split> splits(static_cast<size_t>(folds));
  for (size_t f = 0; f < size_t(folds); ++f) {
    splits[f].test = fold[f];
    for (size_t g = 0; g < size_t(folds); ++g)
      if (g != f) splits[f].train.insert(splits[f].train.end(), fold[g].begin(), fold[g].end());
    std::sort(splits[f].train.begin(), splits[f].train.end());
    std::sort(splits[f].test.begin(), splits[f].test.end());
  }
  return splits;
}

std::vector<Split> leaveOneOutSplits(size_t count) {
  std::vector<Split> splits(count);
  for (size_t i = 0; i < count; ++i) {
    splits[i].test = {i};
    for (size_t j = 0; j < count; ++j)
      if (j != i) splits[i].train.push_back(j);
  }
  return splits;
}

Split groupSplit(const std::vector<std::string>& groups, double testShare, uint64_t seed) {
  checkShare(testShare, "test share");
  auto members = membersByClass(groups);
  if (members.size() < 2) throw Error("group split: needs at least two groups");
  std::mt19937_64 random(seed);
  auto order = iota(members.size());
  shuffle(order, random);
  const auto wanted = size_t(std::ceil(testShare * double(groups.size())));
  Split split;
  size_t k = 0;
  // Leave at least one group for training.
  for (; k + 1 < order.size() && split.test.size() < wanted; ++k)
    split.test.insert(split.test.end(), members[order[k]].begin(), members[order[k]].end());
  for (; k < order.size(); ++k)
    split.train.insert(split.train.end(), members[order[k]].begin(), members[order[k]].end());
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

}  // namespace tunebench
