// Supervised fine-tuning: prompt and response are read together, and only the response's tokens
// are targets, so the model learns to answer rather than to repeat prompts (guide §5).
#include <algorithm>

#include "common/Error.h"
#include "train/objectives/Objectives.h"
#include "train/objectives/TokenLossObjective.h"

namespace tunebench {
namespace {

bool keepsNoTarget(const TokenizedExample& example) {
  return std::all_of(example.labels.begin() + std::min<size_t>(1, example.labels.size()),
                     example.labels.end(), [](int64_t label) { return label == kIgnoredLabel; });
}

class SftObjective : public TokenLossObjective {
 public:
  using TokenLossObjective::TokenLossObjective;
  Objective kind() const override { return Objective::Sft; }

  void loadData(const TextEncoder& encoder, const TokenCache* cache, JobContext& context) override {
    TokenLossObjective::loadData(encoder, cache, context);
    // An example cut inside its prompt has nothing left to learn from; if all are, every step
    // would report a loss of 0 and train nothing.
    const auto& examples = train_.examples;
    const auto withoutTargets = std::count_if(examples.begin(), examples.end(), keepsNoTarget);
    const auto cut = std::to_string(config_.data.maxLength);
    if (withoutTargets == static_cast<std::ptrdiff_t>(examples.size()))
      throw Error(config_.data.trainPath +
                  ": no example keeps a token to learn from after the cut at " + cut +
                  " tokens (the prompts fill it); raise data.max_length or shorten the prompts");
    if (withoutTargets > 0)
      context.log(LogLevel::Warning, std::to_string(withoutTargets) +
                                         " training examples keep no response token after the "
                                         "cut at " +
                                         cut +
                                         " tokens and teach nothing; raise "
                                         "data.max_length");
  }
};

}  // namespace

std::unique_ptr<TrainingObjective> makeSftObjective(const TrainingConfig& config) {
  return std::make_unique<SftObjective>(config);
}

}  // namespace tunebench
