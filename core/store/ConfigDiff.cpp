#include "store/ConfigDiff.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench::store {

namespace {

void flatten(const nlohmann::json& value, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (value.is_object() && (!value.empty() || prefix.empty())) {
    for (const auto& [key, child] : value.items())
      flatten(child, prefix.empty() ? key : prefix + "." + key, out);
    return;
  }
  out[prefix] = value.dump();
}

}  // namespace

std::vector<ConfigDifference> tabulateConfigs(const std::vector<std::string>& configs) {
  std::vector<std::map<std::string, std::string>> flat(configs.size());
  std::map<std::string, bool> keys;
  for (size_t i = 0; i < configs.size(); ++i) {
    const nlohmann::json parsed = parseJsonOrDiscarded(configs[i]);
    if (parsed.is_discarded())
      throw Error("comparing run configs: config " + std::to_string(i + 1) +
                  " is not valid JSON (or nests too deep)");
    flatten(parsed, "", flat[i]);
    for (const auto& entry : flat[i]) keys[entry.first] = true;
  }

  std::vector<ConfigDifference> differences;
  for (const auto& [key, unused] : keys) {
    ConfigDifference difference{key, {}};
    bool differs = false;
    for (const auto& config : flat) {
      auto found = config.find(key);
      difference.values.push_back(
          found == config.end() ? std::nullopt : std::optional<std::string>(found->second));
      if (difference.values.back() != difference.values.front()) differs = true;
    }
    difference.differs = differs;
    differences.push_back(std::move(difference));
  }
  return differences;
}

std::vector<ConfigDifference> diffConfigs(const std::vector<std::string>& configs) {
  auto rows = tabulateConfigs(configs);
  rows.erase(std::remove_if(rows.begin(), rows.end(), [](const auto& row) { return !row.differs; }),
             rows.end());
  return rows;
}

std::string trainingMethodOf(const std::string& config) {
  const auto parsed = parseJsonOrDiscarded(config);
  if (!parsed.is_object() || parsed.empty()) return {};
  // The same defaults as TrainingConfig: no method block is full fine-tuning, and a freeze block
  // without one freezes layers of it.
  const auto method = parsed.find("method");
  if (method != parsed.end() && method->is_object()) {
    const auto name = method->find("name");
    if (name != method->end() && name->is_string()) return name->get<std::string>();
  }
  return parsed.contains("freeze") ? "freeze" : "full";
}

}  // namespace tunebench::store
