#pragma once
// Plugin interface: scores a model on a data file (plugin API version 2). EvaluationJob
// (eval/EvaluationJob.h) picks the evaluator by id (or the first registered one that suits the
// model), calls evaluate(), and records the metrics and per-item outcomes with the run when the
// evaluation belongs to one. A benchmark suite or a safety judge lands as an evaluator.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "plugins/EvaluationCache.h"
#include "plugins/ModelSource.h"

namespace tunebench {

struct EvaluatorRequest {
  ModelSource model;     // a model folder, with an adapter, or a run's checkpoint
  std::string dataFile;  // the examples
  // Evaluator-specific settings, documented by each evaluator; keys it does not know are
  // ignored, so that a front end can pass the settings of every evaluator it offers.
  nlohmann::json settings = nlohmann::json::object();
  // What was computed before for this model source (EvaluationCache.h), not owned; nullptr: none.
  // An evaluator may ignore it; the built-in benchmark and perplexity evaluators use it.
  EvaluationCache* cache = nullptr;
};

// One example's outcome, stored as an evaluation item of the run.
struct EvaluatedItem {
  std::string input, expected, output;
  double score = 0.0;  // 1 right, 0 wrong, or a graded score
  nlohmann::json details = nlohmann::json::object();
};

struct EvaluatorResult {
  std::vector<std::pair<std::string, double>> metrics;  // stored and shown in this order
  std::vector<EvaluatedItem> items;                     // in the data file's order
  bool canceled = false;  // the context canceled: the figures cover the items done before
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string id() const = 0;           // stable: "generation"
  virtual std::string displayName() const = 0;  // "Exact match and perplexity"
  virtual std::string description() const = 0;  // what the data file holds, what is measured
  // Whether it can score this model (classifier metrics need a classifier). Cheap: reads the
  // model's config files at most. Throws tunebench::Error when they cannot be read.
  virtual bool suits(const ModelSource& model) const = 0;
  // Reports progress and returns early (result.canceled) when the context cancels. Throws
  // tunebench::Error naming the file, line or setting at fault.
  virtual EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) = 0;
  // The settings that decide the scores, with defaults filled in (not batch sizes or other
  // settings that only change the speed). Two evaluations of the same file content with the same
  // evaluator and scoring settings are the same evaluation: the Monitor stage compares them
  // across models. The default: every setting given. Throws like evaluate() on a bad setting.
  virtual nlohmann::json scoringSettings(const nlohmann::json& settings) const { return settings; }
};

}  // namespace tunebench
