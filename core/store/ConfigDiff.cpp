#include "store/ConfigDiff.h"

#include <map>
#include <nlohmann/json.hpp>

#include "common/Error.h"

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

std::vector<ConfigDifference> diffConfigs(const std::vector<std::string>& configs) {
  std::vector<std::map<std::string, std::string>> flat(configs.size());
  std::map<std::string, bool> keys;
  for (size_t i = 0; i < configs.size(); ++i) {
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(configs[i]);
    } catch (const nlohmann::json::exception& e) {
      throw Error("comparing run configs: config " + std::to_string(i + 1) +
                  " is not valid JSON: " + e.what());
    }
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
    if (differs) differences.push_back(std::move(difference));
  }
  return differences;
}

}  // namespace tunebench::store
