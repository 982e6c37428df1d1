#pragma once
// What a person needs to know about a Hugging Face model folder before choosing it: its shape,
// weights, tokenizer and special tokens, and every problem found, listed plainly. Used by the
// GUI's Model panel and `tunebench-cli inspect`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/ModelConfig.h"

namespace tunebench {

class JobContext;

struct SpecialToken {
  std::string role;  // "bos", "eos", "pad", "unk"
  std::string text;  // empty when only the id is known
  std::optional<int64_t> id;
};

struct ModelDescription {
  std::string folder;
  std::optional<ModelConfig> config;  // absent when config.json could not be read
  size_t checkpointFiles = 0;
  uint64_t checkpointBytes = 0;
  std::map<std::string, uint64_t> dtypeElements;  // safetensors dtype → elements stored
  std::string tokenizerType;                      // empty when the folder has none
  std::vector<SpecialToken> specialTokens;
  bool hasChatTemplate = false;
  // A short conversation rendered with the model's chat template (or the ChatML preset when it
  // has none), or why it could not be rendered; empty without a usable tokenizer.
  std::string chatSample;
  std::string chatSampleSource;  // "tokenizer_config.json" or "preset chatml"
  std::string sha256;  // modelFolderFingerprint (model/ModelFingerprint.h), when asked for
  std::vector<std::string> problems;

  bool usable() const { return problems.empty(); }
};

struct DescribeOptions {
  // Hashing reads every weight byte the first time (later the per-user fingerprint cache
  // answers): asked for only when the model is being registered.
  bool fingerprint = false;
};

// Never throws for problems in the folder: they are collected in `problems`. Reports hashing
// progress to `context` when given, and stops early (leaving sha256 empty) when it is canceled.
ModelDescription describeModelFolder(const std::string& folder, const DescribeOptions& options = {},
                                     JobContext* context = nullptr);

}  // namespace tunebench
