#pragma once
#include "plugins/Exporter.h"

namespace tunebench::builtin {

// "gguf": the run's model (LoRA/DoRA merged first) as one GGUF file for llama.cpp, in the tensor
// type of the setting "type": f32, f16 (default), bf16, q8_0 or q4_0
// (export/gguf/GgufModelWriter.h). Llama, Mistral, Qwen2 and Qwen3 models; the file is read back
// and its tensor table checked before the export is recorded.
class GgufExporter : public Exporter {
 public:
  std::string id() const override { return "gguf"; }
  std::string displayName() const override { return "GGUF for llama.cpp"; }
  std::string description() const override {
    return "one .gguf file: f32, f16, bf16, q8_0 or q4_0 (setting \"type\")";
  }
  bool needsAdapters() const override { return false; }
  std::string refusal(const RunExportSource& run,
                      const std::optional<int64_t>& checkpointStep) const override;
  std::string summary(const RunExportSource& run) const override;
  void exportModel(const ExportRequest& request, JobContext& context) override;
};

}  // namespace tunebench::builtin
