#pragma once
#include "plugins/Evaluator.h"

namespace tunebench::builtin {

// "benchmark": a language model on a multiple-choice benchmark file (MMLU, HellaSwag,
// ARC-Easy/Challenge, PIQA, Winogrande, TruthfulQA MC1/MC2 in their Hugging Face hub layouts,
// or any file of question/choices/answer), scored by log-likelihood as lm-evaluation-harness
// scores it (eval/ChoiceBenchmark.h). Settings: task ("auto": from the file's fields), num_fewshot
// (0), fewshot_file (few-shot examples from another split; default the file itself, leaving out
// each question), fewshot_seed (1234), limit (0 = all), batch_size (8), shared_contexts (true),
// question_field/choices_field/answer_field (a multiple_choice file's columns), max_gen_toks
// (256: GSM8K's answers are generated, eval/GeneratedAnswers.h).
class BenchmarkEvaluator : public Evaluator {
 public:
  std::string id() const override { return "benchmark"; }
  std::string displayName() const override { return "Benchmark (multiple choice)"; }
  std::string description() const override {
    return "a language model on a multiple-choice benchmark (MMLU, HellaSwag, ARC, PIQA, "
           "Winogrande, TruthfulQA, or question/choices/answer records), scored by "
           "log-likelihood as lm-evaluation-harness scores it: acc, acc_norm, acc_bytes";
  }
  bool suits(const ModelSource& model) const override;
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override;
  nlohmann::json scoringSettings(const nlohmann::json& settings) const override;
};

}  // namespace tunebench::builtin
