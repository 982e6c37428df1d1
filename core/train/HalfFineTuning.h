#pragma once
// Half fine-tuning (guide §6.4): every decoder layer is split into three blocks — self-attention,
// feed-forward and the norms — and in each round half of every block's parameters train while
// the other half stays frozen; the chosen half changes from round to round (seeded, so a resume
// and a rerun choose the same). Embeddings, the final norm and the output head stay frozen.
// A "unit" is one module's parameters (a linear layer's weight and bias go together).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/CausalLM.h"

namespace tunebench {

struct HalfFineTuningRound {
  int64_t fromStep = 0;                // first optimiser step of the round (0-based)
  int64_t toStep = 0;                  // one past the last
  std::vector<std::string> trainable;  // unit names, e.g. "model.layers.0.self_attn.q_proj"
};

class HalfFineTuningPlan {
 public:
  // `rounds` split the run's steps evenly (the last round may be shorter). Throws
  // tunebench::Error when the model has no decoder layers to split.
  HalfFineTuningPlan(const CausalLMImpl& model, int64_t rounds, int64_t totalSteps, uint64_t seed);

  const std::vector<HalfFineTuningRound>& rounds() const { return rounds_; }
  size_t roundAt(int64_t step) const;
  size_t unitCount() const { return unitCount_; }

  // Lets exactly the round's units train. Parameters that stop training lose their gradient, so
  // optimisers skip them (their moments stay as they were) until a later round picks them again.
  void apply(CausalLMImpl& model, size_t round) const;

  // Every unit that any round trains requires gradients (non-layer parameters none): what the
  // optimiser is built over and what checkpoints hold, whatever the current round.
  void trainEveryUnit(CausalLMImpl& model) const;

  nlohmann::json toJson() const;

 private:
  std::vector<HalfFineTuningRound> rounds_;
  std::vector<std::string> units_;  // sorted
  size_t unitCount_ = 0;
};

// The module path of a parameter: its name without ".weight" / ".bias".
std::string parameterUnit(const std::string& parameterName);

}  // namespace tunebench
