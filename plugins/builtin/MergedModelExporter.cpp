#include "builtin/MergedModelExporter.h"

#include "export/RunModelWriting.h"

namespace tunebench::builtin {

std::string MergedModelExporter::refusal(const RunExportSource& run,
                                         const std::optional<int64_t>& checkpointStep) const {
  if (!run.problem.empty()) return run.problem;
  if (run.unmergeable)
    return "it trained prompt tuning or bottleneck adapters, which cannot be merged into the base "
           "model; export its final adapter (adapter format) instead";
  if (checkpointStep) return {};
  if (run.usesAdapters && !run.adapterExists)
    return "it has no final adapter in " + run.adapterFolder +
           " to merge (it has not completed); export one of its checkpoints";
  if (!run.usesAdapters && !run.finalModelExists)
    return "it has no final model in " + run.finalModelFolder +
           " (it has not completed); export one of its checkpoints";
  return {};
}

std::string MergedModelExporter::summary(const RunExportSource& run) const {
  if (run.usesAdapters)
    return std::string("Merges the ") + (run.config.method.lora.dora ? "DoRA" : "LoRA") +
           " adapter into the base model " + run.config.modelFolder +
           " and writes a complete model folder.";
  return "The run fine-tuned all weights: its model folder is written as it is.";
}

void MergedModelExporter::exportModel(const ExportRequest& request, JobContext& context) {
  writeMergedModelFolder(request, context);
}

}  // namespace tunebench::builtin
