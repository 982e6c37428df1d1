#pragma once
#include "eval/ReferenceMetrics.h"
#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "generation": a language model (optionally with an adapter, or a run's checkpoint) on JSON
// Lines prompt/response pairs: the exact-match rate of greedy generations and the perplexity of
// the reference responses (eval/Evaluation.h). Settings: prompt_field ("prompt"),
// response_field ("response"), max_new_tokens (32), batch_size (8), limit (0 = all).
// Reference metrics of the generations (eval/ReferenceMetrics.h), off by default: metrics (a list
// of "bleu", "chrf", "rouge", "squad", or those names comma-separated), rouge_stemmer (false),
// bootstrap_resamples (1000; 0 = no intervals), bootstrap_seed (1234). Their figures follow the
// exact-match and perplexity figures, their per-item scores go into the items' details, and the
// BLEU and chrF signatures are logged (the result holds numbers only).
class GenerationEvaluator : public Evaluator {
 public:
  std::string id() const override { return "generation"; }
  std::string displayName() const override { return "Exact match and perplexity"; }
  std::string description() const override {
    return "a language model on prompt/response pairs: greedy answers compared with the "
           "references, perplexity of the references, optionally BLEU, chrF, ROUGE and SQuAD "
           "scores with bootstrap intervals";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

// The reference-metric settings above; an unknown metric or a value of the wrong kind is a
// tunebench::Error naming the setting. No "metrics" (or an empty one) asks for none.
ReferenceMetricOptions referenceMetricSettings(const nlohmann::json& settings);

// Scores each item's output against its expected text with these reference metrics, appends the
// figures to result.metrics and the per-item scores to the items' details, and logs the
// signatures. Does nothing when no metric is asked for or there are no items.
void addReferenceMetrics(const ReferenceMetricOptions& options, EvaluatorResult& result,
                         JobContext& context);

}  // namespace tunebench::builtin
