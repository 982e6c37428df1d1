#pragma once
// A run with a LoRA adapter, made in a second or two: a tiny random llama, a few lines of text,
// four optimiser steps with a checkpoint every second step. The config is recorded with paths
// relative to the folder, as a project beside it would hold them.
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "train/Trainer.h"
#include "train/TrainingConfig.h"

namespace lorarun {

struct LoraRun {
  std::string baseModel;  // absolute
  std::string output;     // absolute
  nlohmann::json config;  // as recorded with the run (relative paths)
};

inline LoraRun makeLoraRun(const std::string& folder, const std::string& name = "lora-run") {
  namespace fs = std::filesystem;
  LoraRun run;
  run.baseModel = (fs::path(folder) / "base-model").string();
  if (!fs::exists(fs::path(run.baseModel) / "config.json"))
    tunebench::makeRandomModel({"llama", "tiny", run.baseModel, 3});
  {
    std::ofstream train(fs::path(folder) / "lora-train.jsonl");
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 16; ++i)
      train << nlohmann::json{{"text", "The " + std::string(animals[i % 4]) + " has " +
                                           std::to_string(i % 10) + " legs."}}
                   .dump()
            << "\n";
  }
  run.output = (fs::path(folder) / "runs" / name).string();
  run.config = {
      {"model", "base-model"},
      {"output", "runs/" + name},
      {"data", {{"train", "lora-train.jsonl"}, {"max_length", 32}}},
      {"optimizer", {{"name", "adamw"}, {"lr", 0.05}}},
      {"schedule", {{"name", "constant"}}},
      {"method", {{"name", "lora"}, {"r", 4}, {"alpha", 8}, {"targets", {"q_proj", "v_proj"}}}},
      {"batch_size", 4},
      {"max_steps", 4},
      {"checkpoint_every", 2},
      {"keep_checkpoints", 5},
      {"threads", 1},
      {"seed", 7}};
  tunebench::Trainer trainer(tunebench::parseTrainingConfig(run.config, "run.json", folder), false);
  tunebench::BasicJobContext context;
  trainer.run(context);
  return run;
}

}  // namespace lorarun
