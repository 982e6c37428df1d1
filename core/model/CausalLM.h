#pragma once
// A decoder-only language model, whatever its architecture. Parameter names are the Hugging Face
// names of the weights (the few exceptions are answered by fileNamesFor / storedTransposed).
#include <torch/nn/module.h>
#include <torch/types.h>
#include <memory>
#include <string>
#include <vector>

#include "model/Layers.h"
#include "model/ModelConfig.h"

namespace tunebench {

// Keys and values of every layer for the tokens seen so far, preallocated to a capacity.
struct KVCache {
  std::vector<torch::Tensor> keys;  // per layer [B, Hkv, capacity, D]
  std::vector<torch::Tensor> values;
  int64_t length = 0;  // positions filled
  int64_t capacity() const { return keys.empty() ? 0 : keys.front().size(2); }
};

struct ForwardInput {
  torch::Tensor inputIds;         // [B, T] int64
  torch::Tensor paddingMask;      // optional [B, past + T], 1 = real token, 0 = padding
  torch::Tensor positionIds;      // optional [B, T]; derived from the padding mask when absent
  torch::Tensor segmentIds;       // optional [B, T] (packed rows): attention stays within a segment
  KVCache* cache = nullptr;       // read and extended when given
  bool lastPositionOnly = false;  // logits for the last position only (generation)
  bool hiddenStatesOnly = false;  // the final norm's output [B, T, H] instead of logits
};

class CausalLMImpl;
using CausalLM = std::shared_ptr<CausalLMImpl>;
// Builds the module for a parsed config (uninitialised weights).
CausalLM buildCausalLM(const ModelConfig& config);

class CausalLMImpl : public torch::nn::Module {
 public:
  explicit CausalLMImpl(ModelConfig config) : config_(std::move(config)) {}
  const ModelConfig& config() const { return config_; }

  // Logits [B, T, V] (or [B, 1, V] with lastPositionOnly), fp32. A classifier has no
  // language-model head and answers only hiddenStatesOnly requests.
  virtual torch::Tensor forward(const ForwardInput& input) = 0;

  // Sequence classification with last-token pooling, as Hugging Face's
  // *ForSequenceClassification: a bias-free `score` head [labels, hidden] replaces the
  // language-model head (which is dropped), and the config becomes a classifier's. The head is
  // initialised Normal(0, 0.02) from `seed`.
  void attachClassificationHead(const std::vector<std::string>& labels, uint64_t seed);
  bool isClassifier() const { return config_.isClassifier(); }

  // Activation checkpointing per decoder layer while training with gradients (never with a KV
  // cache): less memory for one more forward pass per layer in backward.
  void setActivationCheckpointing(bool on) { activationCheckpointing_ = on; }
  // Class logits [B, C], fp32, at each row's token `lastIndex` [B].
  torch::Tensor classify(const ForwardInput& input, const torch::Tensor& lastIndex);

  // Room for `capacity` tokens (and the virtual tokens in front, when there are some).
  KVCache makeCache(int64_t batch, int64_t capacity) const;

  // Prompt tuning (core/peft/PromptTuning.h): N embeddings [N, hidden] in front of every
  // sequence, registered as the parameter "prompt_embeddings". The layers see them as N real
  // tokens at positions 0..N-1 that every token of the row attends (the KV cache holds them
  // too); padding masks, positions and segment ids given in ForwardInput describe the given
  // tokens only, and the logits cover the given tokens only. Throws when set twice.
  void setVirtualTokens(torch::Tensor embeddings);
  const torch::Tensor& virtualTokens() const { return virtualTokens_; }
  int64_t virtualTokenCount() const {
    return virtualTokens_.defined() ? virtualTokens_.size(0) : 0;
  }

  // The tensor names a checkpoint may use for a parameter, preferred first.
  virtual std::vector<std::string> fileNamesFor(const std::string& parameter) const {
    return {parameter};
  }
  // The untied language-model head as the member forward calls through (so that an adapter
  // layer can take its place); nullptr when the head is the embedding matrix or a classifier's.
  virtual Linear* languageModelHead() = 0;

  // The [vocab, hidden] matrix the logits are computed with, when the head is a plain bias-free
  // linear map (the tied embeddings included), so that a loss may apply it itself in pieces;
  // undefined for a classifier or when an adapter layer has taken the head's place.
  torch::Tensor plainOutputWeight();

  // Whether the checkpoint stores this parameter transposed (GPT-2's Conv1D layers).
  virtual bool storedTransposed(const std::string&) const { return false; }
  // Checkpoint tensors that are derived state, not weights (e.g. cached causal masks).
  virtual bool isIgnoredFileTensor(const std::string& name) const;

 protected:
  // Called by buildCausalLM and attachClassificationHead: registers `score`.
  void registerClassificationHead();
  virtual void dropLanguageModelHead() = 0;
  // The embedding matrix the head shares when the word embeddings are tied.
  virtual torch::Tensor inputEmbeddingWeight() const = 0;
  bool checkpointsLayers(const ForwardInput& input) const;
  bool activationCheckpointing_ = false;
  friend CausalLM buildCausalLM(const ModelConfig& config);
  ModelConfig config_;
  Linear score_{nullptr};
  torch::Tensor virtualTokens_;
};

// Normal(0, 0.02) for matrices and embeddings, zeros for biases, ones for norm scales.
void initializeWeights(CausalLMImpl& model, uint64_t seed);

}  // namespace tunebench
