#pragma once
// The demo's report: Markdown with PNG charts of the training curves, the dataset profiles and
// the before/after evaluation. Torch-free apart from the evaluation results it is given.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/CleaningStep.h"
#include "data/DatasetProfile.h"
#include "eval/Evaluation.h"

namespace tunebench {

struct DemoDatasetSummary {
  std::string name;
  int64_t importedRows = 0;
  int64_t cleanRows = 0;
  std::vector<StepReport> cleaning;
  DatasetProfile profile;
  std::map<std::string, int64_t> splits;
};

// Accuracy on the demo's multiple-choice suite (log-likelihood scoring, as benchmarks).
struct DemoChoiceFigures {
  int64_t questions = 0;
  double accuracy = 0, standardError = 0;
};

using StepSeries = std::vector<std::pair<double, double>>;  // (step, value)

struct DemoReportData {
  std::string starterFolder, projectFile, mergedFolder, adapterFolder;
  int64_t dirtyRows = 0;
  std::vector<DemoDatasetSummary> datasets;  // the instruction dataset first
  EvaluationResult before, after;
  DemoChoiceFigures choiceBefore, choiceAfter;
  nlohmann::json trainingSettings;
  StepSeries loss, validationLoss, learningRate;
  int64_t steps = 0;
  double seconds = 0;
};

// Writes report.md and its SVG charts into `folder`; returns the path of report.md.
std::string writeDemoReport(const std::string& folder, const DemoReportData& data);

}  // namespace tunebench
