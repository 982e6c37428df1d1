#pragma once
// The formats Tunebench itself writes a run's model in, behind the built-in exporters
// (plugins/builtin/): the run's model rebuilt as it trained (base model, adapters, a classifier's
// head, then the final adapter's or the checkpoint's weights) and written as a merged Hugging
// Face model folder or as the PEFT adapter folder. A final model that needs no rebuilding (a full
// fine-tuning run's folder, the final adapter) is copied as it is. Progress comes in named phases
// with their total known from the start; a canceled context stops between phases. This header
// does not include LibTorch.
#include "jobs/JobContext.h"
#include "plugins/Exporter.h"

namespace tunebench {

// config.json + model.safetensors + the tokenizer files: base + LoRA/DoRA merged as
// `tunebench-cli adapters merge` does, or a full fine-tuning run's weights as they are.
void writeMergedModelFolder(const ExportRequest& request, JobContext& context);

// adapter_config.json + adapter_model.safetensors (PEFT's layout and key names; a classifier's
// head beside the adapter), or the run's own adapter folder for prompt tuning and bottleneck
// adapters.
void writeAdapterFolder(const ExportRequest& request, JobContext& context);

}  // namespace tunebench
