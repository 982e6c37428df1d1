#pragma once
// Plugin interface: scores a model (optionally with an adapter) on a dataset. Plugin API version 1.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"

namespace tunebench {

struct EvaluationRequest {
  std::string modelFolder;    // Hugging Face layout
  std::string adapterFolder;  // empty: the base model alone
  std::string datasetPath;
  nlohmann::json settings;
};

struct EvaluationScore {
  std::string metric;
  double value = 0.0;
  nlohmann::json perItem;  // optional per-item results
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string id() const = 0;
  virtual std::string displayName() const = 0;
  virtual std::vector<EvaluationScore> evaluate(const EvaluationRequest& request,
                                                JobContext& context) = 0;
};

}  // namespace tunebench
