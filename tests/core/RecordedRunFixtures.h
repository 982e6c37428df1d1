#pragma once
// Quick recorded runs for tests of what comes after training (export, monitoring): a tiny random
// Llama model, a small text corpus and runs trained a few steps through RecordedTrainingJob, so
// that the project holds them exactly as the Train stage leaves them. No LibTorch include.
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "train/RecordedTraining.h"
#include "train/TrainingConfig.h"

namespace tunebench::fixtures {

// Writes <folder>/model (tiny Llama) and <folder>/train.jsonl.
inline void makeTinyModelAndCorpus(const std::string& folder) {
  makeRandomModel({"llama", "tiny", folder + "/model", 3});
  std::ofstream train(folder + "/train.jsonl");
  const char* animals[] = {"cat", "dog", "owl", "fox"};
  for (int i = 0; i < 16; ++i)
    train << nlohmann::json{{"text", "The " + std::string(animals[i % 4]) + " has " +
                                         std::to_string(i % 10) + " and " +
                                         std::to_string((i * 7) % 10) + "."}}
                 .dump()
          << "\n";
}

// Trains a run of the project for maxSteps steps with a checkpoint every checkpointEvery steps
// (all kept); method "lora" (r 4 on the attention projections) or "full". Returns the run id.
inline int64_t trainRecordedRun(const std::string& projectFile, const std::string& folder,
                                const std::string& runName, const std::string& method,
                                int64_t maxSteps = 4, int64_t checkpointEvery = 2) {
  nlohmann::json json{{"model", folder + "/model"},
                      {"output", folder + "/runs/" + runName},
                      {"data", {{"train", folder + "/train.jsonl"}, {"max_length", 32}}},
                      {"optimizer", {{"name", "adamw"}, {"lr", 0.02}}},
                      {"schedule", {{"name", "constant"}}},
                      {"batch_size", 4},
                      {"max_steps", maxSteps},
                      {"checkpoint_every", checkpointEvery},
                      {"keep_checkpoints", 100},
                      {"threads", 1},
                      {"seed", 11}};
  if (method == "lora")
    json["method"] = {{"name", "lora"}, {"r", 4}, {"alpha", 8}, {"targets", {"q_proj", "v_proj"}}};
  else
    json["method"] = {{"name", "full"}};
  RecordedTrainingJob job(projectFile, parseTrainingConfig(json, runName + ".json"), runName);
  BasicJobContext context;
  job.run(context);
  return job.runId();
}

}  // namespace tunebench::fixtures
