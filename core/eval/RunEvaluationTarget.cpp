#include "eval/RunEvaluationTarget.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/RecordedConfig.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

std::string resolved(const std::string& path, const std::string& projectFolder) {
  if (path.empty()) return {};
  const fs::path p(path);
  return (p.is_absolute() ? p : fs::path(projectFolder) / p).lexically_normal().string();
}

std::string textAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool isThere(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

// step-NNNNNNNN (eight digits, as the trainer writes it) → N; -1 for anything else.
int64_t checkpointStep(const fs::path& folder) {
  const auto name = folder.filename().string();
  if (name.size() != 13 || name.rfind("step-", 0) != 0) return -1;
  if (name.find_first_not_of("0123456789", 5) != std::string::npos) return -1;
  return std::stoll(name.substr(5));
}

// What a run's config says, whatever is evaluated. Read leniently (a config with only an output
// folder is enough to find the final model).
RunEvaluationTarget readConfig(const std::string& configJson, const std::string& projectFolder) {
  RunEvaluationTarget target;
  nlohmann::json config;
  try {
    config = upgradeRecordedConfig(parseJson(configJson, "the run's recorded config"));
  } catch (const std::exception& e) {
    target.problem = e.what();
    return target;
  }
  target.outputFolder = resolved(textAt(config, "output"), projectFolder);
  target.baseModelFolder = resolved(textAt(config, "model"), projectFolder);
  if (config.is_object() && config.contains("data")) {
    const auto& data = config["data"];
    target.trainFile = resolved(textAt(data, "train"), projectFolder);
    target.validationFile = resolved(textAt(data, "validation"), projectFolder);
    if (const auto field = textAt(data, "prompt_field"); !field.empty()) target.promptField = field;
    if (const auto field = textAt(data, "response_field"); !field.empty())
      target.responseField = field;
    if (const auto field = textAt(data, "text_field"); !field.empty()) target.textField = field;
    if (const auto field = textAt(data, "label_field"); !field.empty()) target.labelField = field;
    if (data.is_object() && data.contains("max_length") && data["max_length"].is_number_integer())
      target.maxLength = data["max_length"].get<int64_t>();
  }
  target.classification = textAt(config, "objective") == "classification";
  if (target.outputFolder.empty()) {
    target.problem = "the run's recorded config names no output folder";
    return target;
  }
  target.finalModelFolder = (fs::path(target.outputFolder) / "final").string();
  target.finalModelExists = isThere(fs::path(target.finalModelFolder) / "config.json");
  const auto adapter = fs::path(target.outputFolder) / "adapter";
  if (isThere(adapter / "adapter_config.json")) target.adapterFolder = adapter.string();
  return target;
}

}  // namespace

ModelSource RunEvaluationTarget::source() const {
  ModelSource source;
  if (checkpointFolder.empty() && !finalModelExists && !adapterFolder.empty()) {
    // Prompt tuning and bottleneck adapters leave no merged model: the base with the adapter.
    source.modelFolder = baseModelFolder;
    source.adapterFolder = adapterFolder;
  } else if (checkpointFolder.empty()) {
    source.modelFolder = finalModelFolder;
  } else {
    source.modelFolder = baseModelFolder;
    source.checkpointFolder = checkpointFolder;
  }
  return source;
}

RunEvaluationTarget runEvaluationTarget(const std::string& configJson,
                                        const std::string& projectFolder) {
  auto target = readConfig(configJson, projectFolder);
  if (target.problem.empty() && !target.finalModelExists && target.adapterFolder.empty())
    target.problem = "the run has no final model in " + target.finalModelFolder +
                     " (it has not completed, or its folder was moved)";
  return target;
}

RunEvaluationTarget runCheckpointTarget(const std::string& configJson,
                                        const std::string& projectFolder,
                                        const std::string& checkpointFolder) {
  auto target = readConfig(configJson, projectFolder);
  target.checkpointFolder = resolved(checkpointFolder, projectFolder);
  target.checkpointStep = checkpointStep(target.checkpointFolder);
  if (!target.problem.empty()) return target;
  const fs::path folder(target.checkpointFolder);
  if (target.baseModelFolder.empty())
    target.problem = "the run's recorded config names no base model";
  else if (!isThere(fs::path(target.baseModelFolder) / "config.json"))
    target.problem = "the run's base model " + target.baseModelFolder +
                     " is not there any more (a checkpoint holds only the trained weights)";
  else if (target.checkpointStep < 0)
    target.problem = target.checkpointFolder + " is not named like a checkpoint (step-NNNNNNNN)";
  else if (!isThere(folder / "DONE") || !isThere(folder / "trainable.safetensors"))
    target.problem = "checkpoint " + target.checkpointFolder +
                     " is not complete (no DONE marker or no trainable.safetensors)";
  else if (!isThere(folder / "config.json"))
    target.problem = "checkpoint " + target.checkpointFolder + " has no config.json";
  return target;
}

std::vector<RunCheckpoint> readRunCheckpoints(const std::string& projectFile, int64_t runId) {
  store::OpenOptions options;
  options.readOnly = true;
  auto project = store::ProjectStore::open(projectFile, options);
  const auto run = store::RunRepository(project).find(runId);
  if (!run) throw Error("run " + std::to_string(runId) + " is not in " + projectFile);
  const auto projectFolder = fs::path(projectFile).parent_path().string();
  std::map<int64_t, std::string> byStep;
  for (const auto& record : store::CheckpointRepository(project).forRun(runId)) {
    const auto folder = project.resolve(record.path);
    if (record.complete && isThere(folder / "DONE")) byStep[record.step] = folder.string();
  }
  const auto target = readConfig(run->config, projectFolder);
  std::error_code error;
  if (!target.outputFolder.empty())
    for (const auto& item :
         fs::directory_iterator(fs::path(target.outputFolder) / "checkpoints", error)) {
      const int64_t step = checkpointStep(item.path());
      if (step >= 0 && item.is_directory(error) && isThere(item.path() / "DONE"))
        byStep.emplace(step, item.path().lexically_normal().string());
    }
  std::vector<RunCheckpoint> checkpoints;
  for (const auto& [step, folder] : byStep) checkpoints.push_back({step, folder});
  return checkpoints;
}

}  // namespace tunebench
