#pragma once
#include "plugins/Exporter.h"

namespace tunebench::builtin {

// "adapter": the run's adapter alone, in PEFT's folder layout for LoRA/DoRA (loadable with PEFT
// on the base model) and in Tunebench's own layout for prompt tuning and bottleneck adapters
// (docs/adapters.md). Full fine-tuning runs have no adapter and are refused.
class AdapterExporter : public Exporter {
 public:
  std::string id() const override { return "adapter"; }
  std::string displayName() const override { return "PEFT adapter"; }
  std::string description() const override {
    return "adapter_config.json + adapter_model.safetensors";
  }
  bool needsAdapters() const override { return true; }
  std::string refusal(const RunExportSource& run,
                      const std::optional<int64_t>& checkpointStep) const override;
  std::string summary(const RunExportSource& run) const override;
  void exportModel(const ExportRequest& request, JobContext& context) override;
};

}  // namespace tunebench::builtin
