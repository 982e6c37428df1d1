#pragma once
// One step of a cleaning recipe. Steps work on a copy of the mapped dataset (the raw import is
// never modified) and report what they did, so that the user can preview, reorder and toggle them.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/Example.h"
#include "jobs/JobContext.h"

namespace tunebench {

// Counts tokens with the chosen model's tokenizer; supplied by whoever owns the tokenizer.
using TokenCounter = std::function<size_t(std::string_view text)>;

struct StepSample {
  int64_t sourceIndex = -1;
  std::string before;
  std::string after;  // empty when the example was removed
};

struct StepReport {
  std::string stepId;
  size_t before = 0;  // examples going in
  size_t kept = 0;    // examples coming out unchanged or changed
  size_t removed = 0;
  size_t changed = 0;
  size_t added = 0;  // examples a step created (augmentation)
  std::vector<StepSample> changedSamples;
  std::vector<StepSample> removedSamples;
  nlohmann::json toJson() const;
};

class CleaningStep {
 public:
  static constexpr size_t kSamplesPerReport = 5;

  virtual ~CleaningStep() = default;
  virtual std::string id() const = 0;
  virtual nlohmann::json settings() const = 0;
  // Transforms the working copy in place and fills the report's counts and samples.
  virtual void apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
                     JobContext& context) = 0;
};

// A step that looks at one example at a time.
class PerExampleStep : public CleaningStep {
 public:
  enum class Outcome { Keep, Change, Remove };
  void apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
             JobContext& context) override;

 protected:
  virtual Outcome process(Example& example, DatasetKind kind) = 0;
};

// A step that removes some examples, decided over the whole dataset (duplicates). `remove` has
// one flag per example.
void removeFlagged(std::vector<Example>& examples, DatasetKind kind,
                   const std::vector<bool>& remove, StepReport& report);

}  // namespace tunebench
