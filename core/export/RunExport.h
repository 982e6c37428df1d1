#pragma once
// Exporting a run of a project as a Job: its final model or one of its complete checkpoints, in a
// format an Exporter plugin writes (plugins/Exporter.h; the built-in ones are "merged", a merged
// Hugging Face model folder, and "adapter", the PEFT adapter folder). The job resolves the run,
// asks the exporter whether it can write the chosen model, lets it write into a hidden temporary
// folder next to the destination, then syncs, fingerprints and renames the folder into place and
// records its SHA-256 (export/ExportFolder.h) in the project under the exporter's id. A canceled
// or failed export leaves nothing behind. This header does not include LibTorch.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "jobs/JobContext.h"
#include "plugins/PluginRegistry.h"

namespace tunebench {

struct RunExportRequest {
  std::string projectFile;
  int64_t runId = 0;
  std::optional<int64_t> checkpointStep;  // empty: the run's final model
  std::string format = "merged";          // the id of an exporter in the registry
  // Must not exist yet (or be an empty folder); empty:
  // <project folder>/exports/<run name>-<format>-<n>.
  std::string destination;
  // Passed to the exporter as they are (ExportRequest::settings); the built-in ones take none.
  nlohmann::json settings = nlohmann::json::object();
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
  // Throws tunebench::Error when no exporter of the registry has the request's format as id.
  RunExportJob(const PluginRegistry& plugins, RunExportRequest request);

  std::string name() const override { return "export"; }
  void run(JobContext& context) override;

  const RunExportRequest& request() const { return request_; }
  // Valid once run() has returned normally.
  const RunExportResult& result() const { return result_; }

 private:
  RunExportRequest request_;
  std::shared_ptr<Exporter> exporter_;
  RunExportResult result_;
};

}  // namespace tunebench
