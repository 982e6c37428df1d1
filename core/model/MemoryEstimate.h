#pragma once
// How much memory a model needs: its weights at several precisions, and a rough training estimate
// per fine-tuning method (weights + gradients + AdamW states; activations depend on batch size
// and sequence length and are not included).
#include <cstdint>
#include <string>
#include <vector>

#include "model/ModelConfig.h"

namespace tunebench {

struct TrainingMemory {
  std::string method;  // "Full fine-tuning", "LoRA", "QLoRA", "DoRA"
  std::string assumptions;
  int64_t trainableParameters = 0;
  double frozenWeightBytes = 0;     // base weights that receive no gradient
  double trainableWeightBytes = 0;  // fp32 copies of what is trained
  double gradientBytes = 0;
  double optimizerBytes = 0;  // AdamW: two fp32 moments per trainable parameter
  double totalBytes() const {
    return frozenWeightBytes + trainableWeightBytes + gradientBytes + optimizerBytes;
  }
};

struct MemoryEstimate {
  int64_t parameters = 0;
  double fp32Bytes = 0;
  double bf16Bytes = 0;
  double nf4Bytes = 0;
  std::vector<TrainingMemory> training;  // full, LoRA, QLoRA, DoRA in that order
};

// LoRA adapters of the given rank on every linear layer of the decoder blocks (attention and
// MLP projections): rank × (inputs + outputs) per layer.
int64_t loraParameterCount(const ModelConfig& config, int64_t rank);
// DoRA adds one magnitude per output feature of each adapted layer.
int64_t doraMagnitudeCount(const ModelConfig& config);
// NF4 keeps 4-bit codes plus double-quantised block scales (blocks of 64, scales in blocks of
// 256) for the block matrices; embeddings, norms and biases stay in bf16.
double nf4WeightBytes(const ModelConfig& config);

MemoryEstimate estimateMemory(const ModelConfig& config, int64_t loraRank = 16);

// "1.50 GiB", "12.00 MiB", "512 B": the unit people read memory in.
std::string formatBytes(double bytes);

}  // namespace tunebench
