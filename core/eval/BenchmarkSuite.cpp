#include "eval/BenchmarkSuite.h"

#include <algorithm>
#include <filesystem>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/YamlFile.h"
#include "eval/ChoiceDocuments.h"
#include "eval/EvaluationJob.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// Evaluators a suite's task may name.
const std::vector<std::string>& suiteEvaluators() {
  static const std::vector<std::string> evaluators = {"benchmark", "generation", "perplexity",
                                                      "safety"};
  return evaluators;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

bool endsWith(std::string text, const std::string& suffix) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string resolved(const std::string& file, const std::string& folder) {
  if (file.rfind(kBuiltinDataPrefix, 0) == 0) return file;  // data an evaluator carries
  const fs::path path(file);
  if (path.is_absolute() || folder.empty()) return path.lexically_normal().string();
  return (fs::path(folder) / path).lexically_normal().string();
}

std::string relativeTo(const std::string& file, const std::string& folder) {
  if (folder.empty() || file.rfind(kBuiltinDataPrefix, 0) == 0) return file;
  const auto relative = fs::path(file).lexically_relative(fs::path(folder).lexically_normal());
  // Files outside the suite's folder keep their absolute path.
  if (relative.empty() || *relative.begin() == "..") return file;
  return relative.string();
}

std::string textField(const nlohmann::json& task, const char* key, const std::string& where) {
  const auto found = task.find(key);
  if (found == task.end() || found->is_null()) return {};
  if (!found->is_string())
    throw Error(where + ": \"" + key + "\" must be text, not " + found->dump());
  return found->get<std::string>();
}

SuiteTask taskFromJson(const nlohmann::json& json, const std::string& where,
                       const std::string& folder) {
  if (!json.is_object())
    throw Error(where + ": a task is a mapping of file, evaluator and settings, not " +
                json.dump().substr(0, 80));
  SuiteTask task;
  task.name = textField(json, "name", where);
  task.file = textField(json, "file", where);
  if (task.file.empty()) throw Error(where + ": names no \"file\" to evaluate");
  task.file = resolved(task.file, folder);
  const auto evaluator = textField(json, "evaluator", where);
  if (!evaluator.empty()) task.evaluator = evaluator;
  const auto& known = suiteEvaluators();
  if (std::find(known.begin(), known.end(), task.evaluator) == known.end())
    throw Error(where + ": unknown evaluator \"" + task.evaluator + "\" (a suite runs " +
                joined(known) + ")");
  for (const auto& [key, value] : json.items()) {
    if (key == "name" || key == "file" || key == "evaluator") continue;
    if (isFileSetting(key) && value.is_string())
      task.settings[key] = resolved(value.get<std::string>(), folder);
    else
      task.settings[key] = value;
  }
  const auto benchmark = task.settings.find("task");
  if (task.evaluator == "benchmark" && benchmark != task.settings.end()) {
    if (!benchmark->is_string())
      throw Error(where + ": \"task\" must be text, not " + benchmark->dump());
    if (benchmark->get<std::string>() != "auto") {
      try {
        choiceTask(benchmark->get<std::string>());
      } catch (const Error& e) {
        throw e.within(where);
      }
    }
  }
  return task;
}

}  // namespace

std::string SuiteTask::displayName() const {
  return name.empty() ? fs::path(file).filename().string() : name;
}

bool isFileSetting(const std::string& key) {
  return key == "fewshot_file";
}

BenchmarkSuite benchmarkSuiteFromJson(const nlohmann::json& json, const std::string& source,
                                      const std::string& folder) {
  if (!json.is_object()) throw Error(source + ": a suite is a mapping with \"name\" and \"tasks\"");
  BenchmarkSuite suite;
  suite.name = textField(json, "name", source);
  const auto tasks = json.find("tasks");
  if (tasks == json.end() || !tasks->is_array() || tasks->empty())
    throw Error(source + ": \"tasks\" must list at least one task");
  for (size_t i = 0; i < tasks->size(); ++i)
    suite.tasks.push_back(
        taskFromJson((*tasks)[i], source + ": task " + std::to_string(i + 1), folder));
  return suite;
}

BenchmarkSuite readBenchmarkSuite(const std::string& path) {
  const auto folder = fs::absolute(fs::path(path)).parent_path().string();
  const bool yaml = endsWith(path, ".yaml") || endsWith(path, ".yml");
  const auto json = yaml ? readYamlFile(path) : readJsonFile(path);
  auto suite = benchmarkSuiteFromJson(json, path, folder);
  if (suite.name.empty()) suite.name = fs::path(path).stem().string();
  return suite;
}

nlohmann::ordered_json benchmarkSuiteJson(const BenchmarkSuite& suite, const std::string& folder) {
  nlohmann::ordered_json tasks = nlohmann::ordered_json::array();
  for (const auto& task : suite.tasks) {
    nlohmann::ordered_json entry;
    if (!task.name.empty()) entry["name"] = task.name;
    entry["file"] = relativeTo(task.file, folder);
    entry["evaluator"] = task.evaluator;
    for (const auto& [key, value] : task.settings.items()) {
      if (isFileSetting(key) && value.is_string())
        entry[key] = relativeTo(value.get<std::string>(), folder);
      else
        entry[key] = value;
    }
    tasks.push_back(std::move(entry));
  }
  return {{"name", suite.name}, {"tasks", tasks}};
}

void writeBenchmarkSuite(const BenchmarkSuite& suite, const std::string& path) {
  const auto folder = fs::absolute(fs::path(path)).parent_path().string();
  writeFileAtomically(path, benchmarkSuiteJson(suite, folder).dump(2) + "\n");
}

SuiteTask suiteTaskFromSpec(const std::string& spec) {
  SuiteTask task;
  const size_t equals = spec.find('=');
  if (equals == std::string::npos) {
    task.file = spec;
    return task;
  }
  const std::string name = spec.substr(0, equals);
  task.file = spec.substr(equals + 1);
  if (task.file.empty()) throw Error("\"" + spec + "\" names no file after \"=\"");
  if (name == "generation" || name == "perplexity" || name == "safety") {
    task.evaluator = name;
    return task;
  }
  std::vector<std::string> known;
  for (const auto& info : choiceTasks()) known.push_back(info.id);
  if (std::find(known.begin(), known.end(), name) == known.end() && name != "auto")
    throw Error("\"" + spec + "\": unknown task \"" + name + "\" (known: " + joined(known) +
                ", generation, perplexity, safety)");
  task.settings["task"] = name;
  return task;
}

nlohmann::json effectiveTaskSettings(const SuiteTask& task, const nlohmann::json& overrides) {
  nlohmann::json settings = task.settings;
  for (const auto& [key, value] : overrides.items()) settings[key] = value;
  const auto benchmark = settings.find("task");
  if (task.evaluator == "benchmark" && !settings.contains("num_fewshot") &&
      benchmark != settings.end() && benchmark->is_string() && *benchmark != "auto")
    settings["num_fewshot"] = choiceTask(benchmark->get<std::string>()).defaultFewShot;
  return settings;
}

}  // namespace tunebench
