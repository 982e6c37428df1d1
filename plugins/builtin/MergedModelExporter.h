#pragma once
#include "plugins/Exporter.h"

namespace tunebench::builtin {

// "merged": the run's model as a complete Hugging Face model folder, its LoRA/DoRA adapter merged
// into the base weights (export/RunModelWriting.h). Prompt tuning and bottleneck adapters add
// modules that cannot be merged, so those runs are refused.
class MergedModelExporter : public Exporter {
 public:
  std::string id() const override { return "merged"; }
  std::string displayName() const override { return "Merged model folder"; }
  std::string description() const override {
    return "Hugging Face: config.json + model.safetensors";
  }
  bool needsAdapters() const override { return false; }
  std::string refusal(const RunExportSource& run,
                      const std::optional<int64_t>& checkpointStep) const override;
  std::string summary(const RunExportSource& run) const override;
  void exportModel(const ExportRequest& request, JobContext& context) override;
};

}  // namespace tunebench::builtin
