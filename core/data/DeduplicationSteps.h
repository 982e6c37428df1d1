#pragma once
// Steps that remove duplicates over the whole dataset, keeping the first occurrence.
#include "data/CleaningStep.h"
#include "data/NearDuplicates.h"

namespace tunebench {

// {} — same duplicateKey() of the joined text (case, Unicode form and spacing ignored).
class ExactDedupStep : public CleaningStep {
 public:
  std::string id() const override { return "exact-dedup"; }
  nlohmann::json settings() const override { return nlohmann::json::object(); }
  void apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
             JobContext& context) override;
};

// {"threshold": 0.8, "shingleWords": 3, "permutations": 128, "seed": 1}
class NearDedupStep : public CleaningStep {
 public:
  explicit NearDedupStep(NearDuplicateOptions options) : options_(options) {}
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "near-dedup"; }
  nlohmann::json settings() const override;
  void apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
             JobContext& context) override;

 private:
  NearDuplicateOptions options_;
};

}  // namespace tunebench
