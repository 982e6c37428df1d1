// The dry-run estimate as JSON and as text (no LibTorch here).
#include <cmath>
#include <cstdio>
#include <sstream>

#include "model/MemoryEstimate.h"
#include "train/DryRunEstimate.h"

namespace tunebench {

std::string formatDuration(double seconds) {
  if (!(seconds >= 0)) return "unknown";
  char text[48];
  if (seconds < 1)
    std::snprintf(text, sizeof text, "%.0f ms", seconds * 1000);
  else if (seconds < 60)
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (seconds < 3600)
    std::snprintf(text, sizeof text, "%ld min %02ld s", static_cast<long>(seconds) / 60,
                  static_cast<long>(seconds) % 60);
  else
    std::snprintf(text, sizeof text, "%ld h %02ld min", static_cast<long>(seconds) / 3600,
                  static_cast<long>(seconds) / 60 % 60);
  return text;
}

nlohmann::json dryRunEstimateJson(const DryRunEstimate& e) {
  return {{"completed", e.completed},
          {"device", e.device},
          {"trainable_parameters", e.trainableParameters},
          {"total_parameters", e.totalParameters},
          {"synthetic_batches", e.syntheticBatches},
          {"data", e.dataNote},
          {"training_examples", e.trainingExamples},
          {"truncated_examples", e.truncatedExamples},
          {"batch_size", e.batchSize},
          {"gradient_accumulation", e.gradientAccumulation},
          {"max_length", e.maxLength},
          {"longest_row", e.longestRow},
          {"timed_steps", e.timedSteps},
          {"resident_before_bytes", e.residentBeforeBytes},
          {"peak_resident_bytes", e.peakResidentBytes},
          {"peak_increase_bytes", e.peakIncreaseBytes()},
          {"memory_method", e.memoryMethod},
          {"mean_step_seconds", e.meanStepSeconds},
          {"fastest_step_seconds", e.fastestStepSeconds},
          {"slowest_step_seconds", e.slowestStepSeconds},
          {"tokens_per_second", e.tokensPerSecond},
          {"total_steps", e.totalSteps},
          {"estimated_training_seconds", e.estimatedTrainingSeconds},
          {"formula",
           {{"method", e.formulaMethod},
            {"assumptions", e.formulaAssumptions},
            {"bytes", e.formulaBytes}}}};
}

std::string describeDryRunEstimate(const DryRunEstimate& e) {
  std::ostringstream text;
  char line[256];
  text << "device: " << e.device << "\n";
  text << "trainable parameters: " << e.trainableParameters << " of " << e.totalParameters;
  if (e.totalParameters > 0) {
    std::snprintf(line, sizeof line, " (%.2f %%)",
                  100.0 * static_cast<double>(e.trainableParameters) /
                      static_cast<double>(e.totalParameters));
    text << line;
  }
  text << "\n";
  text << "batches: " << e.dataNote << "\n";
  text << "batch size " << e.batchSize << " x accumulation " << e.gradientAccumulation
       << ", max length " << e.maxLength << ", longest row measured " << e.longestRow
       << " tokens\n";
  if (!e.syntheticBatches) {
    text << "training examples: " << e.trainingExamples;
    if (e.truncatedExamples > 0) text << " (" << e.truncatedExamples << " cut at max length)";
    text << "\n";
  }
  if (!e.completed) {
    text << "canceled before the timed steps ended\n";
    return text.str();
  }
  text << "peak resident memory: " << formatBytes(static_cast<double>(e.peakResidentBytes)) << " (+"
       << formatBytes(static_cast<double>(e.peakIncreaseBytes()))
       << " over the process before loading; " << e.memoryMethod << ")\n";
  text << "formula estimate (" << e.formulaMethod << ", " << e.formulaAssumptions
       << ", activations not included): " << formatBytes(e.formulaBytes) << "\n";
  std::snprintf(line, sizeof line,
                "step time: %s mean over %lld steps (fastest %s, slowest %s); %.0f tokens/s\n",
                formatDuration(e.meanStepSeconds).c_str(), static_cast<long long>(e.timedSteps),
                formatDuration(e.fastestStepSeconds).c_str(),
                formatDuration(e.slowestStepSeconds).c_str(), e.tokensPerSecond);
  text << line;
  if (e.totalSteps > 0)
    text << "estimated training time: " << formatDuration(e.estimatedTrainingSeconds) << " for "
         << e.totalSteps << " optimiser steps (validation and checkpoints not included)\n";
  else
    text << "estimated training time: unknown (set max_steps, or a training file to count the "
            "steps)\n";
  return text.str();
}

}  // namespace tunebench
