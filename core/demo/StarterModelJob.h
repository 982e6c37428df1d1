#pragma once
// The built-in starter model as a job for the GUI: built (pretrained) when missing, then
// described like any model folder. This header does not include LibTorch.
#include <string>

#include "jobs/JobContext.h"
#include "model/ModelDescription.h"

namespace tunebench {

class StarterModelJob : public Job {
 public:
  // An empty folder means the default location (core/demo/StarterModel.h).
  explicit StarterModelJob(std::string folder = {}) : folder_(std::move(folder)) {}
  std::string name() const override { return "Built-in starter model"; }
  void run(JobContext& context) override;
  const ModelDescription& result() const { return result_; }
  bool completed() const { return completed_; }

 private:
  std::string folder_;
  ModelDescription result_;
  bool completed_ = false;
};

}  // namespace tunebench
