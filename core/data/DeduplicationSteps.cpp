#include "data/DeduplicationSteps.h"

#include <unordered_set>

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
  options.shingleWords = int(numberSetting(s, "shingleWords", options.shingleWords));
  options.permutations = int(numberSetting(s, "permutations", options.permutations));
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
