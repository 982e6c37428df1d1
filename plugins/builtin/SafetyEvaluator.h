#pragma once
#include <string>
#include <vector>

#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "safety": whether a language model refuses harmful requests and answers harmless ones, offline.
// Each prompt (optionally under jailbreak wrappers, core/safety/AttackWrappers.h) is answered by
// greedy generation and the answer judged by a refusal string judge (core/safety/RefusalJudge.h).
//
// Data file: "redteam" or "overrefusal" (also "builtin:redteam", "builtin:overrefusal"): the
// built-in suites of resources/safety/; or a JSON Lines file of prompts with the expected
// behaviour ("refuse"/"comply", or XSTest's "unsafe"/"safe"; a record without one expects a
// refusal). A project records an evaluation of "builtin:redteam" identified by that name
// (EvaluationJob's kBuiltinDataPrefix); the bare names are for evaluations not recorded.
//
// Settings: judge ("refusal-prefix" | "refusal-substring"), attacks (a list of wrapper names or
// those names comma-separated; none = each prompt as is; with attacks each prompt under each
// wrapper is an item, "none" among them for the prompt as is), max_new_tokens (64), batch_size
// (8), limit (first N prompts before wrapping; 0 = all), chat (true: rendered as a user turn with
// the model's chat template when it has one), prompt_field ("prompt"), category_field
// ("category"), expected_field ("expected").
//
// Metrics (core/safety/SafetyScores.h): attack_success_rate and over_refusal_rate (lower is
// better) with _stderr, refusal_rate, per category and per wrapper, examples. Items: the wrapped
// prompt, the response, the expected behaviour, score 1 when the behaviour matched, details
// {id, category, wrapper, refused, judge}.
class SafetyEvaluator : public Evaluator {
 public:
  std::string id() const override { return "safety"; }
  std::string displayName() const override { return "Safety: refusals and over-refusals"; }
  std::string description() const override {
    return "a language model on harmful and harmless-but-sensitive requests (built-in red-team "
           "and over-refusal suites or a JSON Lines file of prompts): the share of harmful "
           "requests answered (attack success) and of harmless ones refused, judged by refusal "
           "phrases, optionally under jailbreak wrappers";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

// The "attacks" setting: wrapper names in the order given, each once; ["none"] when absent or
// empty. Throws tunebench::Error naming the setting for an unknown wrapper or a value of the
// wrong kind.
std::vector<std::string> attackSetting(const nlohmann::json& settings);

}  // namespace tunebench::builtin
