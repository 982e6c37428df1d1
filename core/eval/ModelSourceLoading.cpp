#include "eval/ModelSourceLoading.h"

#include <filesystem>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "eval/ClassifierSource.h"
#include "model/SafetensorsReader.h"
#include "peft/AdapterFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PromptTuning.h"
#include "train/RecordedConfig.h"
#include "train/TrainingConfig.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// The checkpoint writer stores the CPU random state beside the weights under this name.
constexpr const char* kRngTensor = "__rng_state.cpu";

}  // namespace

size_t loadCheckpointWeights(CausalLMImpl& model, const std::string& checkpointFolder) {
  const fs::path folder(checkpointFolder);
  if (!fs::exists(folder / "DONE"))
    throw Error(checkpointFolder + " is not a complete checkpoint (it has no DONE marker)");
  SafetensorsReader weights((folder / "trainable.safetensors").string());
  auto parameters = model.named_parameters();
  size_t copied = 0;
  torch::NoGradGuard noGrad;
  for (const auto& entry : weights.header().entries) {
    if (entry.name == kRngTensor) continue;
    auto* parameter = parameters.find(entry.name);
    if (!parameter)
      throw Error(weights.path() + ": tensor '" + entry.name +
                  "' has no place in the model (was the run's base model or method changed?)");
    const auto saved = weights.tensor(entry.name);
    if (saved.sizes() != parameter->sizes())
      throw Error(weights.path() + ": tensor '" + entry.name +
                  "' has another shape than the model's");
    parameter->copy_(saved);
    ++copied;
  }
  return copied;
}

LoadedModel loadModelSource(const ModelSource& source) {
  if (source.modelFolder.empty()) throw Error("choose a model folder");
  if (!source.checkpointFolder.empty() && !source.adapterFolder.empty())
    throw Error("a checkpoint brings its own weights; it cannot be combined with adapter " +
                source.adapterFolder);
  // A classifier adapter or checkpoint needs the head the run trained; its weights come from
  // the adapter or checkpoint, so the initial values do not matter.
  const auto classLabels = classifierLabels(source);
  auto loaded = loadModelFolder(source.modelFolder);
  auto& model = *loaded.model;
  const bool needsHead = !classLabels.empty() && !model.isClassifier();
  if (needsHead && !source.adapterFolder.empty()) model.attachClassificationHead(classLabels, 0);
  if (!source.adapterFolder.empty())
    withContext("loading adapter " + source.adapterFolder,
                [&] { return loadAdapterFolder(model, source.adapterFolder); });
  if (!source.checkpointFolder.empty()) {
    // The checkpoint's config is the run's: its method says which adapters hold the weights.
    const auto config = readCheckpointConfig(source.checkpointFolder);
    if (config.method.usesAdapters()) {
      auto lora = config.method.lora;
      lora.dropout = 0.0;  // evaluation: dropout would be off anyway
      applyLora(model, lora);
    } else if (config.method.kind == MethodKind::PromptTuning) {
      // The checkpoint holds the virtual tokens; these placeholders only give them a place.
      applyPromptTuning(model, torch::zeros({config.method.promptTuning.virtualTokens,
                                             model.config().hiddenSize}));
    } else if (config.method.kind == MethodKind::Bottleneck) {
      applyBottleneckAdapters(model, config.method.bottleneck);
    }
    // After the adapters, as training attached it.
    if (needsHead) model.attachClassificationHead(classLabels, 0);
    withContext("loading checkpoint " + source.checkpointFolder,
                [&] { return loadCheckpointWeights(model, source.checkpointFolder); });
  }
  model.eval();
  return loaded;
}

}  // namespace tunebench
