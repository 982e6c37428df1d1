#pragma once
// Plugin interface: writes a trained run's model in one format (plugin API version 2).
// RunExportJob (export/RunExport.h) does everything around the format: it resolves the run and
// the model chosen (final model or a complete checkpoint), asks the exporter whether it can write
// it, creates an empty folder beside the destination and calls exportModel(); then it syncs the
// files, fingerprints them (SHA-256), publishes the folder atomically and records it in the
// project under the exporter's id. An exporter only writes files into that folder.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "plugins/RunExportSource.h"

namespace tunebench {

struct ExportRequest {
  RunExportSource run;  // the run's typed config, base model, final model, adapter, checkpoints
  std::string runName;
  std::optional<int64_t> checkpointStep;  // empty: the run's final model
  std::string checkpointFolder;           // the complete checkpoint at that step (absolute)
  std::string outputFolder;  // empty, created by the caller; write files only (no sub-folders)
  nlohmann::json settings = nlohmann::json::object();  // exporter-specific
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual std::string id() const = 0;           // stable, recorded with each export: "merged"
  virtual std::string displayName() const = 0;  // "Merged model folder"
  virtual std::string description() const = 0;  // what it writes: "config.json + ..."
  // True: only runs that trained adapters (LoRA, DoRA, prompt tuning, bottleneck) have something
  // to export in this format; the format is not offered for the others.
  virtual bool needsAdapters() const = 0;
  // Why the run's model (checkpointStep empty: its final model) cannot be written in this
  // format, with what to do instead; empty when it can. Cheap: reads no weights.
  virtual std::string refusal(const RunExportSource& run,
                              const std::optional<int64_t>& checkpointStep) const = 0;
  // One sentence on what the export of this run will write, for the user choosing a format.
  virtual std::string summary(const RunExportSource& run) const = 0;
  // Writes the files into request.outputFolder. Reports progress(done, total, text) with its own
  // total; returns early when the context cancels. Throws tunebench::Error naming what failed.
  virtual void exportModel(const ExportRequest& request, JobContext& context) = 0;
};

}  // namespace tunebench
