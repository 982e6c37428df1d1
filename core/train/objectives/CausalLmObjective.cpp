// Causal language modelling: every token of a text is a target (continued pretraining).
#include "train/objectives/Objectives.h"
#include "train/objectives/TokenLossObjective.h"

namespace tunebench {
namespace {

class CausalLmObjective : public TokenLossObjective {
 public:
  using TokenLossObjective::TokenLossObjective;
  Objective kind() const override { return Objective::CausalLm; }
};

}  // namespace

std::unique_ptr<TrainingObjective> makeCausalLmObjective(const TrainingConfig& config) {
  return std::make_unique<CausalLmObjective>(config);
}

}  // namespace tunebench
