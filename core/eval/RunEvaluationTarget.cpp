#include "eval/RunEvaluationTarget.h"

#include <filesystem>
#include <nlohmann/json.hpp>

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

}  // namespace

RunEvaluationTarget runEvaluationTarget(const std::string& configJson,
                                        const std::string& projectFolder) {
  RunEvaluationTarget target;
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(configJson);
  } catch (const nlohmann::json::exception& e) {
    target.problem = std::string("the run's recorded config is not valid JSON: ") + e.what();
    return target;
  }
  target.outputFolder = resolved(textAt(config, "output"), projectFolder);
  if (config.is_object() && config.contains("data")) {
    const auto& data = config["data"];
    target.validationFile = resolved(textAt(data, "validation"), projectFolder);
    if (const auto field = textAt(data, "prompt_field"); !field.empty()) target.promptField = field;
    if (const auto field = textAt(data, "response_field"); !field.empty())
      target.responseField = field;
  }
  if (target.outputFolder.empty()) {
    target.problem = "the run's recorded config names no output folder";
    return target;
  }
  target.finalModelFolder = (fs::path(target.outputFolder) / "final").string();
  std::error_code error;
  target.finalModelExists = fs::exists(fs::path(target.finalModelFolder) / "config.json", error);
  if (!target.finalModelExists)
    target.problem = "the run has no final model in " + target.finalModelFolder +
                     " (it has not completed, or its folder was moved)";
  return target;
}

}  // namespace tunebench
