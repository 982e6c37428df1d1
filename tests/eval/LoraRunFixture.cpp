#include "LoraRunFixture.h"

#include <filesystem>
#include <fstream>

#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "train/Trainer.h"
#include "train/TrainingConfig.h"

namespace lorarun {

LoraRun makeLoraRun(const std::string& folder, const std::string& name) {
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
