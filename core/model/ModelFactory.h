#pragma once
// Random-initialised model folders in Hugging Face layout, with a tokenizer Tunebench trains
// itself (sentencepiece for Llama and Mistral, byte-level BPE tokenizer.json for GPT-2 and
// Qwen2): the fixtures of tests and benchmarks (`tunebench-cli make-model`).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

class JobContext;

struct MakeModelOptions {
  std::string architecture = "llama";  // llama | mistral | qwen2 | gpt2
  std::string preset = "tiny";         // tiny | small | 135m
  std::string folder;
  uint64_t seed = 0;
  // Non-empty: a sequence classifier over these classes (*ForSequenceClassification, a random
  // `score` head in place of the language-model head).
  std::vector<std::string> classLabels{};
};

const std::vector<std::string>& makeModelArchitectures();
const std::vector<std::string>& makeModelPresets();

// The config.json a preset produces (vocab size set to the tokenizer's for tiny and small).
nlohmann::json presetConfig(const std::string& architecture, const std::string& preset,
                            int64_t tokenizerVocab);

// Writes config.json, model.safetensors, generation_config.json, tokenizer files. Reports its
// phases to `context` when given; when canceled between phases it removes what it wrote and
// returns.
void makeRandomModel(const MakeModelOptions& options, JobContext* context = nullptr);

}  // namespace tunebench
