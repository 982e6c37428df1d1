#pragma once
// The built-in starter model: a small Llama-architecture model (about 2 M parameters) with its
// own sentencepiece tokenizer, pretrained by Tunebench's own trainer on text Tunebench writes
// (core/demo/StarterCorpus.h). Deterministic for its seed; cached in the user's data folder
// and rebuilt when missing or made by an older recipe.
#include <cstdint>
#include <filesystem>
#include <string>

namespace tunebench {

class JobContext;

// Bumped whenever the recipe below changes what the starter model is.
inline constexpr int kStarterRecipeVersion = 1;

struct StarterModelOptions {
  std::string folder;  // empty: defaultStarterFolder()
  uint64_t seed = 2026;
  int64_t steps = 450;
  int threads = 0;  // 0: all cores
};

// <user data>/models/starter-v<recipe version>.
std::filesystem::path defaultStarterFolder();

// True when `folder` holds a complete starter model of the current recipe (starter.json says so
// and the model files are there).
bool isStarterModelReady(const std::string& folder);

// Builds the starter model into options.folder (replacing what is there only once the new model
// is complete). Reports progress, metrics (the pretraining curve) and log lines to `context`;
// returns false when canceled, leaving any previous model untouched.
bool makeStarterModel(const StarterModelOptions& options, JobContext& context);

// The starter model's folder, built first when it is not ready.
std::string ensureStarterModel(JobContext& context, const std::string& folder = {});

}  // namespace tunebench
