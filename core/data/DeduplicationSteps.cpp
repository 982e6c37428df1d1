#include "data/DeduplicationSteps.h"

#include <cmath>
#include <unordered_set>

#include "common/Error.h"
#include "data/BasicCleaningSteps.h"
#include "data/TextNormalization.h"

namespace tunebench {

void ExactDedupStep::apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
                           JobContext& context) {
  std::unordered_set<std::string> seen;
  std::vector<bool> remove(examples.size(), false);
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i % 4096 == 0) {
      context.waitIfPaused();
      if (context.isCanceled()) return;
      context.progress(int64_t(i), int64_t(examples.size()), id());
    }
    std::string key = duplicateKey(joinedText(examples[i], kind));
    // Same text with another label is still a duplicate: the first label wins.
    remove[i] = !seen.insert(std::move(key)).second;
  }
  removeFlagged(examples, kind, remove, report);
}

std::unique_ptr<CleaningStep> NearDedupStep::fromSettings(const nlohmann::json& s) {
  NearDuplicateOptions options;
  options.threshold = numberSetting(s, "threshold", options.threshold);
  // Checked before the conversion to int: 1e12 must be refused, not wrapped around.
  const auto whole = [&](const char* key, int fallback, int most) {
    const double value = numberSetting(s, key, fallback);
    if (!(value >= 1 && value <= most) || value != std::floor(value))
      throw Error(std::string("near-duplicate setting ") + key +
                  " must be a whole number from 1 to " + std::to_string(most));
    return int(value);
  };
  options.shingleWords = whole("shingleWords", options.shingleWords, kMostShingleWords);
  options.permutations = whole("permutations", options.permutations, kMostMinHashPermutations);
  options.seed = uint64_t(numberSetting(s, "seed", double(options.seed)));
  return std::make_unique<NearDedupStep>(options);
}

nlohmann::json NearDedupStep::settings() const {
  return {{"threshold", options_.threshold},
          {"shingleWords", options_.shingleWords},
          {"permutations", options_.permutations},
          {"seed", options_.seed}};
}

void NearDedupStep::apply(std::vector<Example>& examples, DatasetKind kind, StepReport& report,
                          JobContext& context) {
  std::vector<std::string> texts;
  texts.reserve(examples.size());
  for (const auto& e : examples) texts.push_back(joinedText(e, kind));
  const auto pairs = findNearDuplicatePairs(texts, options_, &context);
  if (context.isCanceled()) return;
  const auto representative = nearDuplicateRepresentatives(texts.size(), pairs);
  std::vector<bool> remove(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) remove[i] = representative[i] != i;
  removeFlagged(examples, kind, remove, report);
}

}  // namespace tunebench
