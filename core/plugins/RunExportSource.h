#pragma once
// What a run offers to export, read from its recorded config and its output folder: the base
// model, whether it trained adapters (LoRA/DoRA) or all weights, its final model and adapter, and
// its complete checkpoints; what each export format makes of it is the exporter's to say
// (plugins/Exporter.h). Relative paths resolve against the project's folder, as for
// evaluation (eval/RunEvaluationTarget.h). No LibTorch here: the GUI reads it on a worker thread.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "train/TrainingConfig.h"

namespace tunebench {

struct RunExportSource {
  TrainingConfig config;          // valid when problem is empty
  bool usesAdapters = false;      // LoRA or DoRA: the adapter can be exported on its own
  bool unmergeable = false;       // prompt tuning or bottleneck adapters: only the final adapter
  std::string finalModelFolder;   // <output>/final (merged after LoRA/DoRA)
  bool finalModelExists = false;  // holds a config.json
  std::string adapterFolder;      // <output>/adapter (LoRA/DoRA runs)
  bool adapterExists = false;     // holds an adapter_config.json
  std::vector<std::pair<int64_t, std::string>> checkpoints;  // complete ones: step, folder
  std::string problem;  // why nothing of the run can be exported; empty when something can
};

// Never throws: a config that cannot be read gives a source with `problem` set.
RunExportSource runExportSource(const std::string& configJson, const std::string& projectFolder);

}  // namespace tunebench
