#pragma once
// Runs multiple-choice questions through a model: every choice's request tokenised and scored
// (LoglikelihoodScoring.h), each question scored (MultipleChoice.h), and the task's figures
// aggregated as lm-evaluation-harness aggregates them: the mean of acc, acc_norm and acc_bytes
// with their standard errors, and for MMLU each subject's accuracy, the overall one weighted by
// subject size (all questions alike) with the pooled standard error.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/ChoiceDocuments.h"
#include "eval/ChoicePrompts.h"
#include "eval/LoglikelihoodScoring.h"
#include "eval/MultipleChoice.h"
#include "plugins/Evaluator.h"

namespace tunebench {

struct ScoredQuestion {
  std::vector<double> logLikelihoods;
  std::vector<bool> greedy;
  ChoiceScore score;
};

struct ChoiceBenchmarkResult {
  // One per question; empty where a cancel stopped the scoring before all its choices.
  std::vector<std::optional<ScoredQuestion>> questions;
  bool canceled = false;
};

ChoiceBenchmarkResult runChoiceQuestions(CausalLMImpl& model, const TextEncoder& encoder,
                                         const std::vector<ChoiceQuestion>& questions,
                                         const LoglikelihoodOptions& options,
                                         JobContext* context = nullptr);

// The task's metrics over the scored questions, in the order they are shown.
std::vector<std::pair<std::string, double>> choiceMetrics(
    const ChoiceTaskInfo& task, const std::vector<ChoiceQuestion>& questions,
    const ChoiceBenchmarkResult& result);

// What decides a benchmark evaluation's figures and how it runs (the `benchmark` evaluator's
// settings, typed).
struct ChoiceBenchmarkSettings {
  std::string task = "auto";  // or a choiceTasks() id
  size_t fewShot = 0;
  uint64_t fewShotSeed = 1234;
  std::string fewShotFile;  // empty: the evaluated file, each question left out of its examples
  int64_t limit = 0;        // the first n questions; 0 = all
  LoglikelihoodOptions scoring;  // its batch size and cache serve generated answers too
  ChoiceColumns columns;
  int64_t maxNewTokens = 256;  // generated answers (GSM8K): the harness's max_gen_toks
};

// The questions of the first `limit` documents, each with its description and few-shot examples
// from `fewShotPool` (nullptr: from `documents`, each document left out of its own).
std::vector<ChoiceQuestion> choicePromptsFor(const std::string& task,
                                             const std::vector<ChoiceDocument>& documents,
                                             const std::vector<ChoiceDocument>* fewShotPool,
                                             const ChoiceBenchmarkSettings& settings);

// The settings that decide the scores (not the batch size or the scoring path), with defaults
// filled in: two evaluations of the same file with these are the same evaluation.
nlohmann::json choiceScoringSettings(const ChoiceBenchmarkSettings& settings);

// Scores the documents of `task` (the first `limit` of them) with the model source, few-shot
// examples from `fewShotPool` (nullptr: from `documents`), and returns the task's metrics and one
// item per scored question (its text, the gold and predicted choices, and in the details every
// choice's log-likelihood).
EvaluatorResult evaluateChoiceDocuments(const ModelSource& source, const std::string& task,
                                        const std::vector<ChoiceDocument>& documents,
                                        const std::vector<ChoiceDocument>* fewShotPool,
                                        const ChoiceBenchmarkSettings& settings,
                                        JobContext& context);

}  // namespace tunebench
