#pragma once
// An ordered list of cleaning steps, each of which can be switched off, applied to a copy of a
// dataset. Serialises to JSON as {"steps": [{"id": ..., "enabled": ..., "settings": {...}}]} so
// that a project can store it and the GUI can reorder and toggle it.
#include <memory>
#include <string>
#include <vector>

#include "data/CleaningStep.h"

namespace tunebench {

// What steps that need outside help get: the chosen model's token counter (may be empty).
struct StepServices {
  TokenCounter countTokens;
};

// Builds a step from its id and settings; throws tunebench::Error for unknown ids or bad
// settings. Ids: unicode, whitespace, drop-empty, length, exact-dedup, near-dedup, pii,
// profanity, script, regex-filter, regex-replace, augment.
std::unique_ptr<CleaningStep> makeCleaningStep(const std::string& id,
                                               const nlohmann::json& settings,
                                               const StepServices& services = {});
std::vector<std::string> cleaningStepIds();

struct RecipeResult {
  Dataset dataset;                  // the cleaned copy
  std::vector<StepReport> reports;  // one per enabled step, in order
  bool canceled = false;
};

class CleaningRecipe {
 public:
  struct Entry {
    std::unique_ptr<CleaningStep> step;
    bool enabled = true;
  };

  void add(std::unique_ptr<CleaningStep> step, bool enabled = true);
  void remove(size_t index);
  void move(size_t from, size_t to);  // moves one step, shifting those between
  void setEnabled(size_t index, bool enabled);
  size_t size() const { return entries_.size(); }
  const Entry& entry(size_t index) const { return entries_.at(index); }

  // Runs the enabled steps on a copy of `raw`, which is left as it was.
  RecipeResult apply(const Dataset& raw, JobContext& context) const;
  // The same on the first `limit` examples only: a quick preview while editing the recipe.
  RecipeResult preview(const Dataset& raw, size_t limit, JobContext& context) const;

  nlohmann::json toJson() const;
  static CleaningRecipe fromJson(const nlohmann::json& json, const StepServices& services = {});

 private:
  RecipeResult run(Dataset working, JobContext& context) const;
  std::vector<Entry> entries_;
};

}  // namespace tunebench
