#include "train/TrainingOutputs.h"

#include <filesystem>

#include "common/AtomicFile.h"
#include "common/TorchPch.h"
#include "model/ModelFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/PromptTuning.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// Prompt tuning and bottleneck adapters: the adapter folder is the result.
void saveUnmergeableAdapter(const CausalLMImpl& model, const TrainingConfig& c, JobContext& context,
                            TrainingResult& result) {
  result.adapterFolder = (fs::path(c.outputFolder) / "adapter").string();
  writeFolderAtomically(result.adapterFolder, [&](const fs::path& folder) {
    if (c.method.kind == MethodKind::PromptTuning)
      savePromptTuningAdapter(model, c.method.promptTuning, folder.string(), c.modelFolder);
    else
      saveBottleneckAdapters(model, c.method.bottleneck, folder.string(), c.modelFolder);
  });
  context.log(LogLevel::Info,
              std::string(c.method.kind == MethodKind::PromptTuning ? "prompt tuning"
                                                                    : "bottleneck adapters") +
                  " cannot be merged into the base weights, so " +
                  (fs::path(c.outputFolder) / "final").string() +
                  " holds no merged model: use the adapter in " + result.adapterFolder +
                  " on the base model " + c.modelFolder);
}

// As with PEFT: a QLoRA adapter is merged into the full-precision base, not the NF4 one.
void saveQloraMerged(const TrainingConfig& c, const std::vector<std::string>& headLabels,
                     const std::string& adapterFolder, const std::string& finalFolder,
                     const SaveOptions& save) {
  auto fullPrecision = loadModelFolder(c.modelFolder);
  if (!headLabels.empty() && !fullPrecision.model->isClassifier())
    fullPrecision.model->attachClassificationHead(headLabels, c.seed);  // weights: the adapter's
  loadPeftAdapter(*fullPrecision.model, adapterFolder, c.method.lora.adapterName);
  mergeAndUnloadLora(*fullPrecision.model);
  writeFolderAtomically(finalFolder, [&](const fs::path& folder) {
    saveModelFolder(*fullPrecision.model, folder.string(), save);
  });
}

}  // namespace

void saveTrainingOutputs(CausalLMImpl& model, const TrainingConfig& c,
                         const std::vector<std::string>& headLabels, JobContext& context,
                         TrainingResult& result) {
  model.eval();
  if (c.method.addsUnmergeableModules()) {
    saveUnmergeableAdapter(model, c, context, result);
    return;
  }
  if (c.method.usesAdapters()) {
    result.adapterFolder = (fs::path(c.outputFolder) / "adapter").string();
    writeFolderAtomically(result.adapterFolder, [&](const fs::path& folder) {
      savePeftAdapter(model, folder.string(), c.method.lora.adapterName, c.modelFolder);
    });
  }
  result.finalModelFolder = (fs::path(c.outputFolder) / "final").string();
  SaveOptions save;
  save.tokenizerSourceFolder = c.modelFolder;
  if (c.method.quantizesBase()) {
    context.progress(result.steps, 0, "merging the adapter into the full-precision base");
    saveQloraMerged(c, headLabels, result.adapterFolder, result.finalModelFolder, save);
    return;
  }
  if (c.method.usesAdapters()) mergeAndUnloadLora(model);
  // Written beside and renamed: a kill meanwhile never leaves a final/ that looks complete.
  writeFolderAtomically(result.finalModelFolder, [&](const fs::path& folder) {
    saveModelFolder(model, folder.string(), save);
  });
}

}  // namespace tunebench
