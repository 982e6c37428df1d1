#pragma once
#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "perplexity": a language model's rolling perplexity on whole texts (eval/RollingPerplexity.h),
// as lm-evaluation-harness scores wikitext-style tasks: word perplexity, byte perplexity and bits
// per byte. The file is a plain text file (one text) or JSON Lines / JSON records whose
// `text_field` ("text") holds one text each. Settings: text_field, window_length (tokens per
// window; 0 = the model's context), batch_size (8), limit (0 = all texts).
class PerplexityEvaluator : public Evaluator {
 public:
  std::string id() const override { return "perplexity"; }
  std::string displayName() const override { return "Rolling perplexity of texts"; }
  std::string description() const override {
    return "a language model on whole texts (a .txt file, or records with a text field): word "
           "perplexity, byte perplexity and bits per byte over disjoint windows of its context";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

}  // namespace tunebench::builtin
