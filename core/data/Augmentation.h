#pragma once
// EDA-style augmentation (Wei & Zou, 2019): synonym replacement from a shipped list, random
// insertion of synonyms, random swap and random deletion of words. Seeded, so a recipe gives
// the same copies every time.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "data/CleaningStep.h"

namespace tunebench {

struct AugmentOptions {
  uint64_t seed = 42;
  int copies = 1;            // augmented copies added per example
  double synonymRate = 0.1;  // share of words replaced by a synonym
  double insertRate = 0.1;   // share of words inserted (synonyms of words present)
  double swapRate = 0.1;     // share of word pairs swapped
  double deleteRate = 0.1;   // probability of deleting each word
  std::string synonymsFile;  // added to the shipped list when set
};

class EdaAugmenter {
 public:
  EdaAugmenter(std::map<std::string, std::vector<std::string>> synonyms, AugmentOptions options);
  // One augmented version of the text, drawn from `random`.
  std::string augment(const std::string& text, std::mt19937_64& random) const;

 private:
  std::map<std::string, std::vector<std::string>> synonyms_;
  AugmentOptions options_;
};

// {"seed": 42, "copies": 1, "synonymRate": 0.1, "insertRate": 0.1, "swapRate": 0.1,
//  "deleteRate": 0.1, "synonymsFile": "path"} — adds copies whose prompt-side texts (instruction
// and input, user turns, the classified text) are augmented; answers stay as they are.
class AugmentStep : public CleaningStep {
 public:
  explicit AugmentStep(AugmentOptions options);
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "augment"; }
  nlohmann::json settings() const override;
  void apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
             JobContext& context) override;

 private:
  AugmentOptions options_;
  EdaAugmenter augmenter_;
};

}  // namespace tunebench
