#pragma once
#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "generation": a language model (optionally with an adapter, or a run's checkpoint) on JSON
// Lines prompt/response pairs: the exact-match rate of greedy generations and the perplexity of
// the reference responses (eval/Evaluation.h). Settings: prompt_field ("prompt"),
// response_field ("response"), max_new_tokens (32), batch_size (8), limit (0 = all).
class GenerationEvaluator : public Evaluator {
 public:
  std::string id() const override { return "generation"; }
  std::string displayName() const override { return "Exact match and perplexity"; }
  std::string description() const override {
    return "a language model on prompt/response pairs: greedy answers compared with the "
           "references, perplexity of the references";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

}  // namespace tunebench::builtin
