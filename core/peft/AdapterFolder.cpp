#include "peft/AdapterFolder.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"
#include "peft/BottleneckAdapters.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/PromptTuning.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

const char* kConfigFile = "adapter_config.json";
const char* kWeightsFile = "adapter_model.safetensors";
const char* kClassLabelsFile = "class_labels.json";

void writeJsonThroughTemporary(const fs::path& path, const nlohmann::json& json) {
  writeFileAtomically(path, json.dump(2) + "\n");
}

torch::Tensor classifierHeadWeight(const CausalLMImpl& model) {
  const auto* weight = model.named_parameters().find("score.weight");
  if (!weight) throw Error("the classifier has no score.weight");
  return *weight;
}

}  // namespace

nlohmann::json readAdapterConfigJson(const std::string& folder) {
  const auto path = (fs::path(folder) / kConfigFile).string();
  if (!fs::exists(path))
    throw Error(path + " is missing: choose a folder with an adapter (adapter_config.json and " +
                kWeightsFile + ")");
  auto json = readJsonFile(path);
  if (!json.is_object()) throw Error(path + ": must hold a JSON object");
  return json;
}

AdapterKind adapterKindOf(const nlohmann::json& config, const std::string& source) {
  const auto type = config.contains("peft_type") && config["peft_type"].is_string()
                        ? config["peft_type"].get<std::string>()
                        : std::string();
  if (type == "LORA") return AdapterKind::Lora;
  if (type == "PROMPT_TUNING") return AdapterKind::PromptTuning;
  if (type == "BOTTLENECK") return AdapterKind::Bottleneck;
  throw Error(source + ": peft_type must be \"LORA\", \"PROMPT_TUNING\" or \"BOTTLENECK\"" +
              (type.empty() ? std::string(" (it is missing)") : " (got \"" + type + "\")"));
}

AdapterKind adapterKindOf(const std::string& folder) {
  return adapterKindOf(readAdapterConfigJson(folder), (fs::path(folder) / kConfigFile).string());
}

const char* adapterKindLabel(AdapterKind kind) {
  switch (kind) {
    case AdapterKind::Lora:
      return "LoRA";
    case AdapterKind::PromptTuning:
      return "prompt tuning";
    case AdapterKind::Bottleneck:
      return "bottleneck adapters";
  }
  return "?";
}

std::string mergeRefusal(AdapterKind kind) {
  switch (kind) {
    case AdapterKind::Lora:
      return {};
    case AdapterKind::PromptTuning:
      return "a prompt tuning adapter cannot be merged into the model's weights: its virtual "
             "tokens are extra inputs in front of every sequence, not a change of any weight. "
             "Use the adapter folder on the base model instead (evaluation and generation take "
             "an adapter).";
    case AdapterKind::Bottleneck:
      return "bottleneck adapters cannot be merged into the model's weights: each adds a "
             "non-linear block (down, activation, up) to every layer. Use the adapter folder on "
             "the base model instead (evaluation and generation take an adapter).";
  }
  return {};
}

AdapterKind loadAdapterFolder(CausalLMImpl& model, const std::string& folder) {
  const auto kind = adapterKindOf(folder);
  switch (kind) {
    case AdapterKind::Lora:
      loadPeftAdapter(model, folder);
      break;
    case AdapterKind::PromptTuning:
      loadPromptTuningAdapter(model, folder);
      break;
    case AdapterKind::Bottleneck:
      loadBottleneckAdapters(model, folder);
      break;
  }
  return kind;
}

void writeAdapterFolder(const std::string& folder, const nlohmann::json& config,
                        const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                        const std::vector<std::string>& classLabels) {
  fs::create_directories(folder);
  writeSafetensors((fs::path(folder) / kWeightsFile).string(), tensors, {{"format", "pt"}});
  const auto labelsPath = fs::path(folder) / kClassLabelsFile;
  std::error_code ignored;
  if (classLabels.empty())
    fs::remove(labelsPath, ignored);  // a language model's adapter: no classes to name
  else
    writeJsonThroughTemporary(labelsPath, nlohmann::json(classLabels));
  writeJsonThroughTemporary(fs::path(folder) / kConfigFile, config);
}

void copyAdapterTensors(const std::string& folder,
                        const std::vector<std::pair<std::string, torch::Tensor>>& targets) {
  const auto path = (fs::path(folder) / kWeightsFile).string();
  if (!fs::exists(path)) throw Error(path + " is missing");
  const SafetensorsReader reader(path);
  std::set<std::string> expected;
  std::vector<std::string> problems;
  torch::NoGradGuard noGrad;
  for (const auto& [name, target] : targets) {
    expected.insert(name);
    if (!reader.contains(name)) {
      problems.push_back("missing " + name);
      continue;
    }
    const auto stored = reader.tensor(name);
    if (stored.sizes() != target.sizes()) {
      std::ostringstream text;
      text << name << " has shape " << stored.sizes() << ", the model needs " << target.sizes();
      problems.push_back(text.str());
      continue;
    }
    auto view = target;
    view.copy_(stored.to(target.scalar_type()));
  }
  for (const auto& entry : reader.header().entries)
    if (!expected.count(entry.name)) problems.push_back("unexpected " + entry.name);
  if (!problems.empty()) {
    std::string message = path + ": does not fit the model:";
    for (size_t i = 0; i < problems.size() && i < 8; ++i) message += (i ? "; " : " ") + problems[i];
    if (problems.size() > 8) message += "; and " + std::to_string(problems.size() - 8) + " more";
    throw Error(message);
  }
}

bool isClassifierAdapterConfig(const nlohmann::json& config) {
  if (config.value("task_type", nlohmann::json()) == "SEQ_CLS") return true;
  const auto modules = config.find("modules_to_save");
  if (modules != config.end() && modules->is_array())
    for (const auto& module : *modules)
      if (module == "score") return true;
  return false;
}

void addClassifierHead(const CausalLMImpl& model, nlohmann::json& config,
                       std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::string& tensorName) {
  if (!model.isClassifier()) return;
  config["task_type"] = "SEQ_CLS";
  config["modules_to_save"] = nlohmann::json::array({"score"});
  tensors.emplace_back(tensorName, classifierHeadWeight(model).detach());
}

void expectClassifierHead(CausalLMImpl& model, const nlohmann::json& config,
                          const std::string& source,
                          std::vector<std::pair<std::string, torch::Tensor>>& targets,
                          const std::string& tensorName) {
  if (!isClassifierAdapterConfig(config)) return;
  if (!model.isClassifier())
    throw Error(source +
                ": the adapter belongs to a sequence classifier (task_type SEQ_CLS); load it on "
                "the base model with a classification head over its classes (" +
                kClassLabelsFile + " beside it names them)");
  targets.emplace_back(tensorName, classifierHeadWeight(model).detach());
}

std::vector<std::string> readClassLabels(const std::string& folder) {
  const auto path = (fs::path(folder) / kClassLabelsFile).string();
  if (!fs::exists(path)) return {};
  const auto json = readJsonFile(path);
  std::vector<std::string> labels;
  std::set<std::string> seen;
  if (json.is_array())
    for (const auto& label : json) {
      if (!label.is_string() || label.get<std::string>().empty() ||
          !seen.insert(label.get<std::string>()).second) {
        labels.clear();
        break;
      }
      labels.push_back(label.get<std::string>());
    }
  if (labels.size() < 2)
    throw Error(path + ": must be a list of at least two distinct, non-empty class names");
  return labels;
}

}  // namespace tunebench
