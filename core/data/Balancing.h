#pragma once
// Class balancing for classification data: random over- and under-sampling (seeded), class
// weights, and the loss settings handed to the trainer.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

// Indices after duplicating random members of smaller classes up to the largest class size.
std::vector<size_t> randomOversample(const std::vector<std::string>& labels, uint64_t seed);
// Indices after keeping a random subset of each class the size of the smallest class.
std::vector<size_t> randomUndersample(const std::vector<std::string>& labels, uint64_t seed);

// n / (classes * count(c)) per class, as scikit-learn's class_weight="balanced".
std::map<std::string, double> balancedClassWeights(const std::vector<std::string>& labels);

// Class weights as the JSON object a training config's classWeights takes, on one line:
// {"neg": 0.75, "pos": 1.5}.
std::string classWeightsJson(const std::map<std::string, double>& weights);

// What the trainer gets for an imbalanced classification task.
struct LossBalancing {
  enum class Loss { CrossEntropy, Focal };
  Loss loss = Loss::CrossEntropy;
  double focalGamma = 2.0;                     // focal loss (1 - p)^gamma factor
  std::map<std::string, double> classWeights;  // empty: unweighted
  nlohmann::json toJson() const;
  static LossBalancing fromJson(const nlohmann::json& json);
};

}  // namespace tunebench
