#pragma once
// A measured estimate of a training run before it starts: the model and method are built exactly
// as the Trainer builds them, a few optimiser steps run on real batches of the training file (or
// synthetic full-length batches when it is missing), and the peak resident memory, step time and
// throughput are measured. Nothing is written to disk. This header does not include LibTorch.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "train/TrainingConfig.h"

namespace tunebench {

struct DryRunOptions {
  int64_t timedSteps = 3;  // after one untimed warm-up step
};

struct DryRunEstimate {
  bool completed = false;  // false when canceled before the steps ended
  std::string device = "cpu";
  int64_t trainableParameters = 0;
  int64_t totalParameters = 0;

  // The batches measured.
  bool syntheticBatches = false;
  std::string dataNote;           // where the batches came from, in a sentence
  int64_t trainingExamples = 0;   // rows in the training set (after packing); 0 when synthetic
  int64_t truncatedExamples = 0;  // cut at max_length
  int64_t batchSize = 0;
  int64_t gradientAccumulation = 0;
  int64_t maxLength = 0;
  int64_t longestRow = 0;  // tokens in the longest row of the measured batches
  int64_t timedSteps = 0;

  // Memory: the process's resident size before the model was loaded and at its peak during the
  // steps; the difference is what the run needs.
  int64_t residentBeforeBytes = 0;
  int64_t peakResidentBytes = 0;
  std::string memoryMethod;
  int64_t peakIncreaseBytes() const {
    return peakResidentBytes > residentBeforeBytes ? peakResidentBytes - residentBeforeBytes : 0;
  }

  // Time per optimiser step (the warm-up step excluded) and what it means for the whole run.
  double meanStepSeconds = 0;
  double fastestStepSeconds = 0;
  double slowestStepSeconds = 0;
  double tokensPerSecond = 0;
  int64_t totalSteps = 0;                // of the configured run; 0 when it cannot be told
  double estimatedTrainingSeconds = -1;  // totalSteps × mean step time; < 0 when unknown

  // The formula estimate for the same method (weights, gradients and AdamW states; no
  // activations), from core/model/MemoryEstimate.h.
  std::string formulaMethod;
  std::string formulaAssumptions;
  double formulaBytes = 0;
};

// Runs the estimate; throws tunebench::Error naming the file or setting on bad input. Reports
// progress and honours cancellation between steps (then completed stays false).
DryRunEstimate estimateTrainingRun(const TrainingConfig& config, JobContext& context,
                                   const DryRunOptions& options = {});

nlohmann::json dryRunEstimateJson(const DryRunEstimate& estimate);
// The estimate as lines of text, as `tunebench-cli train --dry-run` prints it.
std::string describeDryRunEstimate(const DryRunEstimate& estimate);
// "42 s", "3 min 05 s", "2 h 10 min".
std::string formatDuration(double seconds);

class DryRunEstimateJob : public Job {
 public:
  explicit DryRunEstimateJob(TrainingConfig config, DryRunOptions options = {})
      : config_(std::move(config)), options_(options) {}
  std::string name() const override { return "training estimate"; }
  void run(JobContext& context) override {
    result_ = estimateTrainingRun(config_, context, options_);
  }
  // Read once the job has finished.
  const DryRunEstimate& result() const { return result_; }

 private:
  TrainingConfig config_;
  DryRunOptions options_;
  DryRunEstimate result_;
};

}  // namespace tunebench
