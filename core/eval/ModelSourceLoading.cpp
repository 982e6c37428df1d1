#include "eval/ModelSourceLoading.h"

#include <filesystem>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "eval/ClassifierSource.h"
#include "peft/AdapterFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PromptTuning.h"
#include "train/Checkpoint.h"
#include "train/RecordedConfig.h"
#include "train/TrainingConfig.h"

namespace tunebench {

namespace fs = std::filesystem;

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
