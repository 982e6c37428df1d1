#include "demo/StarterModel.h"

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/Paths.h"
#include "demo/StarterCorpus.h"
#include "model/ModelFactory.h"
#include "train/Trainer.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarkerFile = "starter.json";

void writeCorpus(const fs::path& path, uint64_t seed, size_t bytes) {
  writeFileAtomically(path, [&](std::ostream& out) {
    for (const auto& document : starterCorpusDocuments(seed, bytes))
      out << nlohmann::json{{"text", document}}.dump() << "\n";
  });
}

TrainingConfig pretrainingConfig(const StarterModelOptions& options, const fs::path& work) {
  TrainingConfig config;
  config.modelFolder = (work / "random").string();
  config.outputFolder = (work / "pretraining").string();
  config.objective = Objective::CausalLm;
  config.data.trainPath = (work / "corpus.jsonl").string();
  config.data.maxLength = 128;
  config.data.packing = true;
  config.optimizer.kind = OptimizerKind::AdamW;
  config.optimizer.learningRate = 3e-3;
  config.optimizer.weightDecay = 0.01;
  config.schedule.kind = ScheduleKind::Cosine;
  config.schedule.warmupSteps = std::min<int64_t>(30, options.steps);
  config.schedule.minLearningRateRatio = 0.1;
  config.batchSize = 16;
  config.maxSteps = options.steps;
  config.seed = options.seed;
  config.threads = options.threads;
  config.keepCheckpoints = 1;
  return config;
}

}  // namespace

fs::path defaultStarterFolder() {
  return userDataDirectory() / "models" / ("starter-v" + std::to_string(kStarterRecipeVersion));
}

bool isStarterModelReady(const std::string& folder) {
  const fs::path root(folder);
  try {
    const auto marker = readJsonFile((root / kMarkerFile).string());
    if (!marker.is_object() || marker.value("recipe_version", 0) != kStarterRecipeVersion)
      return false;
  } catch (const std::exception&) {
    return false;
  }
  for (const char* name : {"config.json", "model.safetensors", "tokenizer.model"})
    if (!fs::is_regular_file(root / name)) return false;
  return true;
}

bool makeStarterModel(const StarterModelOptions& options, JobContext& context) {
  const fs::path folder =
      options.folder.empty() ? defaultStarterFolder() : fs::path(options.folder);
  if (options.steps < 1) throw Error("the starter model needs at least one training step");
  const fs::path work = fs::path(folder.string() + ".partial");
  std::error_code ignored;
  fs::remove_all(work, ignored);
  fs::create_directories(work);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code error;
      fs::remove_all(path, error);
    }
  } cleanup{work};

  context.progress(0, 0, "Starter model: training the tokenizer and writing the corpus");
  MakeModelOptions random;
  random.architecture = "llama";
  random.preset = "starter";
  random.folder = (work / "random").string();
  random.seed = options.seed;
  makeRandomModel(random);
  // About one pass over the corpus: steps × batch × length tokens at ~4 bytes a token.
  const auto config = pretrainingConfig(options, work);
  writeCorpus(work / "corpus.jsonl", options.seed,
              static_cast<size_t>(options.steps * config.batchSize * config.data.maxLength) * 4);
  if (context.isCanceled()) return false;

  context.log(LogLevel::Info,
              "Pretraining the starter model for " + std::to_string(options.steps) + " steps");
  Trainer trainer(config, false);
  trainer.run(context);
  const auto& result = trainer.result();
  if (result.stopReason != StopReason::Completed) {
    if (context.isCanceled()) return false;
    throw Error(std::string("pretraining the starter model ended early: ") +
                stopReasonName(result.stopReason));
  }

  const fs::path made = result.finalModelFolder;
  nlohmann::json marker{{"recipe_version", kStarterRecipeVersion},
                        {"seed", options.seed},
                        {"steps", result.steps},
                        {"final_loss", result.lastLoss}};
  writeFileAtomically(made / kMarkerFile, marker.dump(2) + "\n");
  // The trainer's folder lacks the tokenizer when the base had it only beside the weights.
  for (const char* name : {"tokenizer.model", "tokenizer_config.json"})
    if (!fs::exists(made / name) && fs::exists(work / "random" / name))
      fs::copy_file(work / "random" / name, made / name);
  fs::create_directories(folder.parent_path());
  const fs::path old = fs::path(folder.string() + ".old");
  fs::remove_all(old, ignored);
  if (fs::exists(folder)) fs::rename(folder, old);
  fs::rename(made, folder);
  fs::remove_all(old, ignored);
  return true;
}

std::string ensureStarterModel(JobContext& context, const std::string& folder) {
  const std::string target = folder.empty() ? defaultStarterFolder().string() : folder;
  if (isStarterModelReady(target)) return target;
  StarterModelOptions options;
  options.folder = target;
  if (!makeStarterModel(options, context)) return {};
  return target;
}

}  // namespace tunebench
