#pragma once
// Run configurations as a project records them. A run records trainingConfigToJson() of its
// config: every setting, defaults included, paths absolute. Runs recorded by earlier releases may
// hold other shapes (the demo recorded flat settings such as "lora_r"); reading goes through
// upgradeRecordedConfig(), so those runs still export, evaluate, resume and compare.
#include <string>

#include <nlohmann/json.hpp>

#include "train/TrainingConfig.h"

namespace tunebench {

// The stored JSON in the shape parseTrainingConfig reads; the current shape passes unchanged.
nlohmann::json upgradeRecordedConfig(const nlohmann::json& stored);

// Parses a run's stored config; relative paths resolve against the project's folder. Throws
// tunebench::Error naming `source` and the setting.
TrainingConfig readRecordedConfig(const std::string& storedJson, const std::string& projectFolder,
                                  const std::string& source = "the run's recorded config");

// The config a checkpoint folder holds (<checkpoint>/config.json, written with the checkpoint),
// upgraded like a run's record. Relative paths stay relative.
TrainingConfig readCheckpointConfig(const std::string& checkpointFolder);

// For display and comparison: the config with every setting and absolute paths, so that two runs
// differ only where their settings do. A record that is no training config (a run recorded by
// another tool) comes back as stored.
std::string canonicalRecordedConfig(const std::string& storedJson,
                                    const std::string& projectFolder);

}  // namespace tunebench
