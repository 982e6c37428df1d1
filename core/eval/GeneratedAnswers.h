#pragma once
// Benchmarks answered by generation (GSM8K), as lm-evaluation-harness runs its generate_until
// tasks: the prompt (few-shot examples drawn as for the multiple-choice tasks, ChoicePrompts.h),
// greedy decoding until one of the task's stop strings ("Question:", "</s>", "<|im_end|>") or
// end-of-sequence, at most `maxNewTokens` (the harness's 256), the output cut before the stop
// string; then the task's answer filters and exact match (AnswerExtraction.h), each with the
// mean's standard error.
#include <cstdint>
#include <string>
#include <vector>

#include "eval/ChoiceBenchmark.h"

namespace tunebench {

// The response as the harness keeps it: everything before the first stop string.
std::string cutAtStopStrings(const std::string& response, const std::vector<std::string>& stops);

// The cache key of a generated answer: the SHA-256 (hex) of the computed model identity
// (computedModelIdentity, LoglikelihoodScoring.h), the prompt's ids and what ends the generation.
std::string generatedAnswerKey(const std::string& modelIdentity, const std::vector<int64_t>& prompt,
                               int64_t maxNewTokens, const std::vector<int64_t>& stopIds,
                               const std::vector<std::string>& stopStrings);

// With settings.scoring.cache, answers found there are not generated again and new ones are
// stored after each batch; the log says how many came from it.
// Metrics "exact_match,strict-match" and "exact_match,flexible-extract" (with _stderr) and
// "questions"; one item per question with the response and both extracted answers.
EvaluatorResult evaluateGeneratedDocuments(const ModelSource& source, const std::string& task,
                                           const std::vector<ChoiceDocument>& documents,
                                           const std::vector<ChoiceDocument>* fewShotPool,
                                           const ChoiceBenchmarkSettings& settings,
                                           JobContext& context);

}  // namespace tunebench
