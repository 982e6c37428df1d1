#pragma once
// The two evaluations Tunebench itself runs (behind the built-in evaluators, plugins/builtin/):
// their typed results as the metrics and items an evaluator returns and the project stores, and
// back, so that a front end shows a fresh result and a stored one alike. No LibTorch.
#include <string>
#include <utility>
#include <vector>

#include "eval/ClassifierEvaluation.h"
#include "eval/Evaluation.h"
#include "plugins/Evaluator.h"

namespace tunebench {

using EvaluationMetrics = std::vector<std::pair<std::string, double>>;

// Metrics exact_match, perplexity, mean_nll and examples; one item per example (input the
// prompt, expected the reference, output the generation, score 1 for an exact match; details
// response_nll and response_tokens).
EvaluatorResult generationScores(const EvaluationResult& result);
// A language model's evaluation: it has exact_match and perplexity.
bool isGenerationEvaluation(const EvaluationMetrics& metrics);
// The figures and outcomes again (the generated token ids are not kept).
EvaluationResult generationResultOf(const EvaluatorResult& scores);

// The settings that decide a generation evaluation's scores (Evaluator::scoringSettings): the
// built-in evaluator and the demo record the same identity for the same evaluation.
nlohmann::json generationScoringSettings(const std::string& promptField,
                                         const std::string& responseField,
                                         const EvaluationOptions& options);

// Metrics accuracy, macro_f1 and examples, then precision, recall and f1 of every class
// ("f1 <class>"); one item per example (input the text, expected the label, output the predicted
// class, score 1 when they agree; details probability, line, label_index, predicted_index, and
// truncated: true for a text cut at the max length). StoredClassifierEvaluation.h reads it back.
EvaluatorResult classifierScores(const ClassifierEvaluationResult& result);
// The classes, confusion matrix and figures recounted from the items (storedClassifierResult).
ClassifierEvaluationResult classifierResultOf(const EvaluatorResult& scores);

}  // namespace tunebench
