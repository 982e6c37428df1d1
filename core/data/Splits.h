#pragma once
// Train/validation/test splits over example indices: random, stratified by label (the same
// per-class counts as scikit-learn's StratifiedShuffleSplit), k-fold, leave-one-out and group
// splits that never put one group on both sides. Everything is seeded and reproducible.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

struct Split {
  std::vector<size_t> train;
  std::vector<size_t> validation;
  std::vector<size_t> test;
  nlohmann::json toJson() const;
};

// Shuffles [0, count) with the seed and cuts off validation and test shares (rounded up, as
// scikit-learn does for a test share).
Split randomSplit(size_t count, double validationShare, double testShare, uint64_t seed);

// Per-class counts for a draw of `draws` items from classes of the given sizes, spread in
// proportion with the largest remainders rounded up (ties broken by the seeded generator):
// scikit-learn's _approximate_mode.
std::vector<size_t> proportionalCounts(const std::vector<size_t>& classSizes, size_t draws,
                                       std::mt19937_64& random);

// One stratified shuffle split into train and test: test holds ceil(testShare * n) items.
// Throws tunebench::Error when a class has a single member or the shares leave a side
// smaller than the number of classes, with the same rules as scikit-learn.
Split stratifiedSplit(const std::vector<std::string>& labels, double testShare, uint64_t seed);

// k folds: fold i is the test side of split i; the first n % k folds get one extra item.
// Stratified when labels are given (each class dealt round-robin over the folds).
std::vector<Split> kFoldSplits(size_t count, int folds, uint64_t seed,
                               const std::vector<std::string>* labels = nullptr);

std::vector<Split> leaveOneOutSplits(size_t count);

// Whole groups go to the test side, in seeded random order, until it holds at least
// testShare of the items.
Split groupSplit(const std::vector<std::string>& groups, double testShare, uint64_t seed);

}  // namespace tunebench
