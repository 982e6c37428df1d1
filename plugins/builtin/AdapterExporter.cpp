#include "builtin/AdapterExporter.h"

#include "export/RunModelWriting.h"

namespace tunebench::builtin {

std::string AdapterExporter::refusal(const RunExportSource& run,
                                     const std::optional<int64_t>& checkpointStep) const {
  if (!run.problem.empty()) return run.problem;
  if (!run.usesAdapters && !run.unmergeable)
    return "it fine-tuned all weights (full fine-tuning), so it has no adapter to export; export "
           "it in the merged format, which writes its model folder";
  if (run.unmergeable && checkpointStep)
    return "it trained prompt tuning or bottleneck adapters, which are exported from the run's "
           "final adapter only; export its final model (no checkpoint)";
  if (checkpointStep) return {};
  if (!run.adapterExists)
    return "it has no final adapter in " + run.adapterFolder +
           " (it has not completed); export one of its checkpoints";
  return {};
}

std::string AdapterExporter::summary(const RunExportSource& run) const {
  if (run.config.method.kind == MethodKind::Bottleneck)
    return "Writes the bottleneck adapters in Tunebench's own format (docs/adapters.md); they "
           "load on the base model " +
           run.config.modelFolder + " in Tunebench.";
  return "Writes the adapter alone; load it with PEFT on the base model " + run.config.modelFolder +
         ".";
}

void AdapterExporter::exportModel(const ExportRequest& request, JobContext& context) {
  writeAdapterFolder(request, context);
}

}  // namespace tunebench::builtin
