#pragma once
// A fine-tuned model's scores beside its base model's on the same evaluations (same identity:
// file content, evaluator and scoring settings), and the forgetting alarm: the fine-tuned model
// scores worse than its base by more than the 95% confidence interval of the difference.
//
// The interval is that of a difference of two independent means, ±1.96 × √(se_base² +
// se_tuned²), from the standard errors the benchmark evaluator stores beside each mean
// (`acc_stderr` beside `acc`). A metric without standard errors (a perplexity) is compared but
// never raises the alarm: there is no interval to be outside of. Each side counts with its latest
// evaluation of an identity.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/EvaluationOverview.h"
#include "store/RunRepository.h"

namespace tunebench::store {

class ProjectStore;

struct BaseComparison {
  std::string identity;  // EvaluationRecord::identity()
  std::string suite;     // the fine-tuned model's evaluation's name
  std::string evaluator;
  std::string metric;
  double base = 0, tuned = 0;
  std::optional<double> baseStandardError, tunedStandardError;
  int64_t baseEvaluationId = 0, tunedEvaluationId = 0;

  double difference() const { return tuned - base; }
  // Half the width of the difference's 95% interval; empty without both standard errors.
  std::optional<double> margin() const;
  // Worse than the base by more than the margin (lower accuracy, higher perplexity).
  bool forgets() const;
  // Better than the base by more than the margin.
  bool gains() const;
};

// The metrics both sides have, for each identity both evaluated, ordered by suite, then the
// metric's order in the fine-tuned evaluation. Standard errors ("<metric>_stderr") and counts
// are folded in, not compared on their own. `tuned` and `base` oldest first.
std::vector<BaseComparison> compareWithBase(const std::vector<EvaluationSummary>& tuned,
                                            const std::vector<EvaluationSummary>& base);

// The comparisons that raise the forgetting alarm.
std::vector<BaseComparison> forgettingAmong(const std::vector<BaseComparison>& comparisons);

// "MMLU: acc 41.2% → 35.0% (−6.2 points, beyond ±3.1)".
std::string describeForgetting(const BaseComparison& comparison);

struct RunBaseComparison {
  int64_t runId = 0;
  std::optional<int64_t> modelId;  // the run's base model in the project
  std::string modelName;
  std::vector<BaseComparison> scores;  // of the run's final model
};

// The project model a run trained from: the one recorded with it, or for runs recorded before
// runs named theirs, the project's model in the folder its config's "model" names.
std::optional<int64_t> baseModelOf(ProjectStore& project, const RunRecord& run);

// A run's final model against the project model it was trained from (read-only connection).
RunBaseComparison readRunBaseComparison(const std::string& projectFile, int64_t runId);

// Every run whose final model raises the forgetting alarm, with what raises it.
std::map<int64_t, std::vector<BaseComparison>> readForgettingByRun(const std::string& projectFile);
// The same on an open project (the caller's connection).
std::map<int64_t, std::vector<BaseComparison>> forgettingByRun(ProjectStore& project);

// An item answered rightly by one model and wrongly by the other (scores 1 and 0), matched by
// index: two evaluations of one identity list the same items in the same order.
struct ItemFlip {
  int64_t index = 0;
  std::string input, expected, baseOutput, tunedOutput;
  bool nowRight = false;  // wrong before fine-tuning, right after
};

// Reads up to `limit` items of each evaluation.
std::vector<ItemFlip> readItemFlips(const std::string& projectFile, int64_t baseEvaluationId,
                                    int64_t tunedEvaluationId, int64_t limit = 100000);

}  // namespace tunebench::store
