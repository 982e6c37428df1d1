#pragma once
// The model core's long operations as Jobs, so that the GUI runs them on a worker thread with
// progress and cancel.
#include <string>

#include "jobs/JobContext.h"
#include "model/ModelDescription.h"
#include "model/ModelFactory.h"

namespace tunebench {

// Validates and describes a model folder; problems end up in the description, not as errors.
class DescribeModelJob : public Job {
 public:
  DescribeModelJob(std::string folder, DescribeOptions options)
      : folder_(std::move(folder)), options_(options) {}
  std::string name() const override { return "Checking model " + folder_; }
  void run(JobContext& context) override;
  const ModelDescription& result() const { return result_; }

 private:
  std::string folder_;
  DescribeOptions options_;
  ModelDescription result_;
};

// Writes a random-initialised starter model into an empty or new folder, then describes it.
class MakeModelJob : public Job {
 public:
  explicit MakeModelJob(MakeModelOptions options) : options_(std::move(options)) {}
  std::string name() const override;
  void run(JobContext& context) override;
  const ModelDescription& result() const { return result_; }
  bool completed() const { return completed_; }

 private:
  MakeModelOptions options_;
  ModelDescription result_;
  bool completed_ = false;
};

}  // namespace tunebench
