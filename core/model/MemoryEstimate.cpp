#include "model/MemoryEstimate.h"

#include <cstdio>

namespace tunebench {

namespace {

struct LinearShape {
  int64_t inputs, outputs;
};

// The linear layers of one decoder block, as the model code builds them.
std::vector<LinearShape> blockLinearLayers(const ModelConfig& c) {
  if (c.family == ModelFamily::Gpt2)
    return {{c.hiddenSize, 3 * c.hiddenSize},
            {c.hiddenSize, c.hiddenSize},
            {c.hiddenSize, c.intermediateSize},
            {c.intermediateSize, c.hiddenSize}};
  const int64_t query = c.numHeads * c.headDim;
  const int64_t keyValue = c.numKeyValueHeads * c.headDim;
  if (c.fusedProjections)  // Phi-3: one adapter on qkv_proj and one on gate_up_proj
    return {{c.hiddenSize, query + 2 * keyValue},
            {query, c.hiddenSize},
            {c.hiddenSize, 2 * c.intermediateSize},
            {c.intermediateSize, c.hiddenSize}};
  return {{c.hiddenSize, query},
          {c.hiddenSize, keyValue},
          {c.hiddenSize, keyValue},
          {query, c.hiddenSize},
          {c.hiddenSize, c.intermediateSize},
          {c.hiddenSize, c.intermediateSize},
          {c.intermediateSize, c.hiddenSize}};
}

constexpr double kAdamWBytesPerParameter = 8;  // two fp32 moments

TrainingMemory adapterMethod(std::string method, std::string assumptions, int64_t trainable,
                             double frozenBytes) {
  TrainingMemory m;
  m.method = std::move(method);
  m.assumptions = std::move(assumptions);
  m.trainableParameters = trainable;
  m.frozenWeightBytes = frozenBytes;
  m.trainableWeightBytes = 4.0 * static_cast<double>(trainable);
  m.gradientBytes = 4.0 * static_cast<double>(trainable);
  m.optimizerBytes = kAdamWBytesPerParameter * static_cast<double>(trainable);
  return m;
}

}  // namespace

int64_t loraParameterCount(const ModelConfig& config, int64_t rank) {
  int64_t perBlock = 0;
  for (const auto& layer : blockLinearLayers(config))
    perBlock += rank * (layer.inputs + layer.outputs);
  return perBlock * config.numLayers;
}

int64_t doraMagnitudeCount(const ModelConfig& config) {
  int64_t perBlock = 0;
  for (const auto& layer : blockLinearLayers(config)) perBlock += layer.outputs;
  return perBlock * config.numLayers;
}

double nf4WeightBytes(const ModelConfig& config) {
  const double parameters = static_cast<double>(config.parameterCount());
  const double embeddings = static_cast<double>(config.vocabSize * config.hiddenSize) *
                            (config.tieWordEmbeddings ? 1 : 2);
  const double bitsPerWeight = 4.0 + 8.0 / 64 + 32.0 / (64 * 256);
  return (parameters - embeddings) * bitsPerWeight / 8 + embeddings * 2;
}

MemoryEstimate estimateMemory(const ModelConfig& config, int64_t loraRank) {
  MemoryEstimate estimate;
  estimate.parameters = config.parameterCount();
  const double parameters = static_cast<double>(estimate.parameters);
  estimate.fp32Bytes = parameters * 4;
  estimate.bf16Bytes = parameters * 2;
  estimate.nf4Bytes = nf4WeightBytes(config);

  TrainingMemory full;
  full.method = "Full fine-tuning";
  full.assumptions = "fp32 weights, fp32 gradients, AdamW";
  full.trainableParameters = estimate.parameters;
  full.trainableWeightBytes = parameters * 4;
  full.gradientBytes = parameters * 4;
  full.optimizerBytes = parameters * kAdamWBytesPerParameter;
  estimate.training.push_back(full);

  const int64_t lora = loraParameterCount(config, loraRank);
  const std::string rank = "rank " + std::to_string(loraRank) + " on all block linear layers";
  estimate.training.push_back(
      adapterMethod("LoRA", "frozen bf16 base, " + rank + ", AdamW", lora, estimate.bf16Bytes));
  estimate.training.push_back(
      adapterMethod("QLoRA", "frozen NF4 base, " + rank + ", AdamW", lora, estimate.nf4Bytes));
  estimate.training.push_back(
      adapterMethod("DoRA", "frozen bf16 base, " + rank + " plus one magnitude per output, AdamW",
                    lora + doraMagnitudeCount(config), estimate.bf16Bytes));
  return estimate;
}

std::string formatBytes(double bytes) {
  char text[32];
  if (bytes >= 1024.0 * 1024.0 * 1024.0)
    std::snprintf(text, sizeof text, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  else if (bytes >= 1024.0 * 1024.0)
    std::snprintf(text, sizeof text, "%.2f MiB", bytes / (1024.0 * 1024.0));
  else if (bytes >= 1024.0)
    std::snprintf(text, sizeof text, "%.2f KiB", bytes / 1024.0);
  else
    std::snprintf(text, sizeof text, "%.0f B", bytes);
  return text;
}

}  // namespace tunebench
