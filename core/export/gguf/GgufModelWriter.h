#pragma once
// A Hugging Face model folder of the Llama family (Llama, Mistral, Qwen2, Qwen3) as one GGUF file
// llama.cpp loads: the architecture's hyper-parameters under llama.* / qwen2.* / qwen3.*, the
// tokenizer (export/gguf/GgufTokenizer.h) and the weights under llama.cpp's tensor names.
// Llama and Mistral rotate query/key halves the Hugging Face way (rotate_half); llama.cpp rotates
// adjacent pairs for them, so their q_proj/k_proj rows are reordered per head, pair-wise, as
// llama.cpp's own converter does. Qwen2 and Qwen3 use rotate-half in llama.cpp too and are written
// as they are. Vectors (norms, biases) stay F32 whatever the chosen type, as in llama.cpp's
// converter; a quantised type falls back to F16 for a matrix whose rows are not whole blocks of
// 32. This header does not include LibTorch.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "export/gguf/GgufFile.h"

namespace tunebench {
struct ModelConfig;
}

namespace tunebench::gguf {

struct GgufExportOptions {
  TensorType type = TensorType::F16;
  std::string name;  // general.name; empty: the folder's name
};

struct GgufExportReport {
  std::string architecture;         // "llama", "qwen2", "qwen3"
  std::vector<TensorInfo> tensors;  // as written and read back
  size_t metadataCount = 0;
  size_t fallbackTensors = 0;  // matrices written as F16 instead of the quantised type
  uint64_t bytes = 0;
};

// The llama.cpp architecture name for the model, or "" with `why` set when it cannot be written.
std::string ggufArchitecture(const ModelConfig& config, std::string* why);

// Why the model folder cannot be written as GGUF (reads config.json only); empty when it can.
std::string ggufRefusal(const std::string& modelFolder);

// The llama.cpp name of a Hugging Face tensor ("model.layers.3.mlp.up_proj.weight" ->
// "blk.3.ffn_up.weight"); empty for a name without one.
std::string ggufTensorName(const std::string& hfName);

// Llama/Mistral's query or key weight rows ([heads * headDim, columns], row-major) reordered for
// llama.cpp's pair-wise rotation, and the inverse; rows of one head keep their head.
void permuteForPairRotation(float* rows, int64_t heads, int64_t rowCount, int64_t columns);
void unpermuteFromPairRotation(float* rows, int64_t heads, int64_t rowCount, int64_t columns);

// Writes modelFolder as a GGUF file at path, then reads it back with readGgufFile and checks the
// tensor table (names, shapes, types, offsets) against what was written. progress(i, n) runs
// before tensor i and may throw (tunebench::Canceled) to stop. Throws tunebench::Error.
GgufExportReport writeGgufModel(const std::string& modelFolder, const std::string& path,
                                const GgufExportOptions& options,
                                const std::function<void(size_t, size_t)>& progress = {});

}  // namespace tunebench::gguf
