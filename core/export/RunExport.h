#pragma once
// Exporting a run of a project as a Job: its final model or one of its complete checkpoints, as a
// merged Hugging Face model folder ("merged": base + LoRA/DoRA adapter merged as
// `tunebench-cli adapters merge` does; a full fine-tuning run's weights as they are) or as the
// PEFT adapter folder ("adapter": adapter_config.json + adapter_model.safetensors; refused for
// full fine-tuning runs). The folder is assembled under a hidden temporary name next to the
// destination and renamed when complete; then its SHA-256 (export/ExportFolder.h) is recorded in
// the project. A canceled or failed export leaves nothing behind. This header does not include
// LibTorch.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "jobs/JobContext.h"

namespace tunebench {

struct RunExportRequest {
  std::string projectFile;
  int64_t runId = 0;
  std::optional<int64_t> checkpointStep;  // empty: the run's final model
  std::string format = "merged";          // "merged" or "adapter"
  // Must not exist yet (or be an empty folder); empty:
  // <project folder>/exports/<run name>-<format>-<n>.
  std::string destination;
};

struct RunExportResult {
  int64_t exportId = 0;  // the recorded export; 0 when canceled
  std::string folder;    // absolute
  std::string sha256;
  uint64_t bytes = 0;
  size_t files = 0;
  bool canceled = false;
};

class RunExportJob : public Job {
 public:
  explicit RunExportJob(RunExportRequest request);

  std::string name() const override { return "export"; }
  void run(JobContext& context) override;

  const RunExportRequest& request() const { return request_; }
  // Valid once run() has returned normally.
  const RunExportResult& result() const { return result_; }

 private:
  RunExportRequest request_;
  RunExportResult result_;
};

// Throws tunebench::Error for anything but "merged" and "adapter".
void checkExportFormat(const std::string& format);

}  // namespace tunebench
