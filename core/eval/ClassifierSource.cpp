#include "eval/ClassifierSource.h"

#include <filesystem>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "model/ModelConfig.h"
#include "peft/AdapterFolder.h"
#include "train/RecordedConfig.h"
#include "train/TrainingConfig.h"
#include "train/TrainingData.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

bool isClassifierAdapter(const std::string& adapterFolder) {
  const auto path = (fs::path(adapterFolder) / "adapter_config.json").string();
  if (!fs::exists(path)) return false;  // loading the adapter reports what is missing
  const auto config = readJsonFile(path);
  if (!config.is_object()) throw Error(path + ": expected a JSON object");
  return isClassifierAdapterConfig(config);
}

std::vector<std::string> adapterClassLabels(const ModelSource& source,
                                            const std::vector<std::string>& baseLabels) {
  if (!baseLabels.empty()) return baseLabels;
  const auto ownLabels = readClassLabels(source.adapterFolder);
  if (!ownLabels.empty()) return ownLabels;
  // Adapters written before class_labels.json: the trainer writes <output>/adapter and, after
  // LoRA, the merged classifier <output>/final.
  const auto sibling =
      fs::path(source.adapterFolder).lexically_normal().parent_path() / "final" / "config.json";
  if (fs::exists(sibling)) {
    const auto labels = loadModelConfig(sibling.string()).classLabels;
    if (!labels.empty()) return labels;
  }
  throw Error(source.adapterFolder +
              " holds a sequence classifier's adapter (task_type SEQ_CLS), but neither the base "
              "model " +
              source.modelFolder +
              ", nor class_labels.json in the adapter folder, nor a "
              "classifier beside it (" +
              sibling.string() +
              ") names its classes: evaluate the run's merged model, or a base model whose "
              "config.json has id2label");
}

std::vector<std::string> checkpointClassLabels(const ModelSource& source) {
  const auto config = readCheckpointConfig(source.checkpointFolder);
  if (config.objective != Objective::Classification) return {};
  if (!config.classification.labels.empty()) return config.classification.labels;
  // As training found them: the training file's labels, sorted. A relative path was relative
  // to the run's config, which sits beside the output folder.
  fs::path train(config.data.trainPath);
  if (train.is_relative() && !fs::exists(train))
    train = fs::path(source.checkpointFolder).parent_path().parent_path().parent_path() / train;
  if (!fs::exists(train))
    throw Error((fs::path(source.checkpointFolder) / "config.json").string() +
                ": the run trained a classifier on " + config.data.trainPath +
                ", which is not there any more; its labels name the classes");
  return classLabelsOfFile(train.string(), config.data.labelField);
}

}  // namespace

std::vector<std::string> classifierLabels(const ModelSource& source) {
  if (source.modelFolder.empty()) throw Error("choose a model folder");
  const auto configPath = (fs::path(source.modelFolder) / "config.json").string();
  const auto baseLabels = loadModelConfig(configPath).classLabels;
  if (!source.checkpointFolder.empty()) {
    const auto labels = checkpointClassLabels(source);
    return labels.empty() ? baseLabels : labels;
  }
  if (!source.adapterFolder.empty() && isClassifierAdapter(source.adapterFolder))
    return adapterClassLabels(source, baseLabels);
  return baseLabels;
}

}  // namespace tunebench
