#pragma once
// Loading and saving Hugging Face model folders (config.json + safetensors + tokenizer files).
#include <torch/types.h>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "model/CausalLM.h"

namespace tunebench {

struct LoadOptions {
  torch::Device device = torch::kCPU;
  // Parameter dtype; undefined picks fp32 on CPU and bf16 on CUDA.
  std::optional<torch::Dtype> dtype;
  // Tensors loaded so far and their number; may throw (tunebench::Canceled) to stop loading.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct LoadedModel {
  CausalLM model;
  std::string folder;
};

// Reads config.json and the weights. Missing, unexpected and mis-shaped tensors are reported
// together in one tunebench::Error.
LoadedModel loadModelFolder(const std::string& folder, const LoadOptions& options = {});

struct SaveOptions {
  uint64_t maxShardBytes = 5ull << 30;  // above this, model-0000i-of-0000n.safetensors + index
  torch::Dtype dtype = torch::kFloat32;
  std::string tokenizerSourceFolder;  // tokenizer files are copied from here when set
};

// Writes config.json, the weights, generation_config.json and the tokenizer files into `folder`
// (created if needed). The result loads in Hugging Face transformers.
void saveModelFolder(const CausalLMImpl& model, const std::string& folder,
                     const SaveOptions& options = {});

// Names of the tokenizer files a model folder may carry.
const std::vector<std::string>& tokenizerFileNames();

std::string torchDtypeName(torch::Dtype dtype);  // "float32", "bfloat16", "float16"

}  // namespace tunebench
