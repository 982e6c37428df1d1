#pragma once
// Differences between run configurations (JSON objects), keyed by dotted path ("optim.lr").
// Arrays and scalars are leaves compared by value; a key missing from a run is a difference too.
#include <optional>
#include <string>
#include <vector>

namespace tunebench::store {

struct ConfigDifference {
  std::string key;
  // One entry per compared config, in order: the value as compact JSON, or nullopt when absent.
  std::vector<std::optional<std::string>> values;
  bool differs = true;
};

// Every key of any of the configs, sorted, each saying whether its values differ.
// Throws tunebench::Error when a config is not valid JSON.
std::vector<ConfigDifference> tabulateConfigs(const std::vector<std::string>& configs);

// The fine-tuning method a run's config asks for: "full", "freeze", "lora" or "dora"; empty when
// the config is not a training config (no JSON object, or an empty one).
std::string trainingMethodOf(const std::string& config);

// Throws tunebench::Error when a config is not valid JSON; sorted by key.
std::vector<ConfigDifference> diffConfigs(const std::vector<std::string>& configs);

}  // namespace tunebench::store
