#include "train/RecordedConfig.h"

#include <filesystem>

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench {

namespace {

// The settings the demo trained with before it recorded its whole config; only the ones it
// recorded flat (method, rank, alpha, rate, batch size, steps, paths) were kept in the project.
void fillDemoRecipe(nlohmann::json& config, const nlohmann::json& stored) {
  config["objective"] = "sft";
  config["data"]["max_length"] = 128;
  config["schedule"] = {{"name", "cosine"}, {"warmup_steps", 20}};
  const int64_t steps = stored.value("max_steps", int64_t(0));
  if (steps > 0) config["eval_every"] = std::max<int64_t>(1, steps / 6);
  config["keep_checkpoints"] = 1;
  config["seed"] = 7;
}

// "all linear": every projection of a Llama-family block, as the demo applied LoRA.
nlohmann::json loraTargets(const nlohmann::json& targets) {
  if (targets.is_string() && targets.get<std::string>() == "all linear")
    return {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  return targets;
}

}  // namespace

nlohmann::json upgradeRecordedConfig(const nlohmann::json& stored) {
  if (!stored.is_object()) return stored;
  const auto method = stored.find("method");
  if (method == stored.end() || !method->is_string()) return stored;  // the current shape
  // The flat shape: {"method": "lora", "lora_r": 16, "lora_alpha": 32, "targets": ..., "lr": ...}.
  nlohmann::json config = nlohmann::json::object();
  nlohmann::json upgradedMethod{{"name", *method}};
  for (const auto& [key, value] : stored.items()) {
    if (key == "method" || key == "demo") continue;
    if (key == "lora_r")
      upgradedMethod["r"] = value;
    else if (key == "lora_alpha")
      upgradedMethod["alpha"] = value;
    else if (key == "targets")
      upgradedMethod["targets"] = loraTargets(value);
    else if (key == "lr")
      config["optimizer"]["lr"] = value;
    else
      config[key] = value;
  }
  config["method"] = upgradedMethod;
  if (stored.value("demo", false)) fillDemoRecipe(config, stored);
  return config;
}

TrainingConfig readRecordedConfig(const std::string& storedJson, const std::string& projectFolder,
                                  const std::string& source) {
  return parseTrainingConfig(upgradeRecordedConfig(parseJson(storedJson, source)), source,
                             projectFolder);
}

TrainingConfig readCheckpointConfig(const std::string& checkpointFolder) {
  const auto path = (std::filesystem::path(checkpointFolder) / "config.json").string();
  return parseTrainingConfig(upgradeRecordedConfig(readJsonFile(path)), path);
}

std::string canonicalRecordedConfig(const std::string& storedJson,
                                    const std::string& projectFolder) {
  try {
    return trainingConfigToJson(readRecordedConfig(storedJson, projectFolder)).dump();
  } catch (const Error&) {
    return storedJson;
  }
}

}  // namespace tunebench
