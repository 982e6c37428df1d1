#pragma once
// How `tunebench-cli evaluate` prints a classifier's evaluation: text or one JSON object.
#include <cstdint>
#include <string>

#include "eval/ClassifierEvaluation.h"

namespace tunebench::cli {

struct ClassifierReportSource {
  std::string model, adapter, data;
};

void printClassifierReport(const ClassifierEvaluationResult& result,
                           const ClassifierReportSource& source, int64_t samples);
void printClassifierJson(const ClassifierEvaluationResult& result,
                         const ClassifierReportSource& source);

}  // namespace tunebench::cli
