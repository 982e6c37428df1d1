// The two model classes and what all models share.
#include "model/CausalLM.h"

#include <cmath>
#include <tuple>
#include <typeinfo>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/ActivationCheckpoint.h"
#include "model/DecoderBlocks.h"
#include "model/MemoryEstimate.h"
#include "system/ResidentMemory.h"

namespace tunebench {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Through the head module when there is one (an adapter may have taken its place), else the
// tied embedding matrix. The virtual tokens put in front (`inserted`) get no output.
torch::Tensor projectToVocabulary(const torch::Tensor& hidden, Linear& head,
                                  const torch::Tensor& tiedWeight, const ForwardInput& input,
                                  const ModelConfig& config, int64_t inserted) {
  const auto given = inserted > 0 ? hidden.narrow(1, inserted, hidden.size(1) - inserted) : hidden;
  if (input.hiddenStatesOnly) return given;
  if (config.isClassifier())
    throw Error("this model is a sequence classifier (" + config.architecture +
                "); it has no language-model head to predict tokens with");
  const auto selected = input.lastPositionOnly ? given.narrow(1, given.size(1) - 1, 1) : given;
  auto logits = head ? head->forward(selected) : linearProduct(selected, tiedWeight);
  logits = logits.to(torch::kFloat32);
  // Gemma 2 caps the logits smoothly at ±cap.
  if (config.finalLogitSoftcap)
    logits = torch::tanh(logits / *config.finalLogitSoftcap) * *config.finalLogitSoftcap;
  return logits;
}

// What every forward pass works out before the layers run.
struct ForwardSetup {
  int64_t past = 0;         // cache positions before this pass (virtual tokens included)
  int64_t inserted = 0;     // virtual tokens put in front in this pass (first pass only)
  int64_t length = 0;       // positions this pass adds: inserted + the given tokens
  torch::Tensor positions;  // [B, length]
  AttentionPlan plan;
  AttentionPlan localPlan;  // the sliding-window layers' (Gemma 2 and 3); else the same as plan
};

// The given padding mask, positions and segments describe the given tokens; the virtual tokens
// (prompt tuning) are real, come first, take positions 0..N-1 and are seen by every segment.
ForwardSetup prepareForward(const ForwardInput& input, int64_t virtualTokens,
                            std::optional<int64_t> window,
                            std::optional<int64_t> localWindow = std::nullopt) {
  const auto& ids = input.inputIds;
  const int64_t batch = ids.size(0);
  const auto device = ids.device();
  const auto options = torch::TensorOptions().dtype(torch::kInt64).device(device);
  ForwardSetup setup;
  setup.past = input.cache ? input.cache->length : 0;
  if (virtualTokens > 0 && setup.past > 0 && setup.past < virtualTokens)
    throw Error("the KV cache holds fewer positions than the model's virtual tokens");
  setup.inserted = setup.past == 0 ? virtualTokens : 0;
  setup.length = setup.inserted + ids.size(1);
  auto mask = input.paddingMask;
  if (mask.defined() && virtualTokens > 0)
    mask = torch::cat({torch::ones({batch, virtualTokens}, mask.options()), mask}, 1);
  if (input.positionIds.defined()) {
    auto positions = input.positionIds.to(device) + virtualTokens;
    if (setup.inserted > 0)
      positions = torch::cat(
          {torch::arange(setup.inserted, options).unsqueeze(0).expand({batch, setup.inserted}),
           positions},
          1);
    setup.positions = positions;
  } else if (mask.defined()) {
    // Left padding: a sequence's first real token is position 0.
    const auto positions = (mask.to(torch::kInt64).cumsum(-1) - 1).clamp_min(0);
    setup.positions =
        positions.narrow(1, positions.size(1) - setup.length, setup.length).to(device);
  } else {
    setup.positions = torch::arange(setup.past, setup.past + setup.length, options)
                          .unsqueeze(0)
                          .expand({batch, setup.length});
  }
  auto segments = input.segmentIds;
  if (segments.defined() && setup.inserted > 0)
    segments =
        torch::cat({torch::full({batch, setup.inserted}, -2, options), segments.to(device)}, 1);
  setup.plan = planAttention(batch, setup.length, setup.past, mask, segments, window, device,
                             setup.inserted);
  setup.localPlan = localWindow ? planAttention(batch, setup.length, setup.past, mask, segments,
                                                localWindow, device, setup.inserted)
                                : setup.plan;
  return setup;
}

// The token embeddings with the virtual tokens in front on a first pass.
torch::Tensor withVirtualTokens(const torch::Tensor& embedded, const torch::Tensor& virtualTokens,
                                int64_t inserted) {
  if (inserted == 0) return embedded;
  const auto prefix =
      virtualTokens.to(embedded.scalar_type()).unsqueeze(0).expand({embedded.size(0), -1, -1});
  return torch::cat({prefix, embedded}, 1);
}

// cos and sin of the positions, for the global layers and (Gemma 3) the local ones; the local
// tables are the global ones where a model has one base. Undefined for GPT-2.
struct RotaryTables {
  torch::Tensor cos, sin, localCos, localSin;
};

// Runs a stack of decoder layers and records the new cache length. With `checkpoint`, each
// layer keeps only its input for the backward pass (ActivationCheckpoint.h).
template <typename LayerImpl>
torch::Tensor runLayers(torch::nn::ModuleList& layers, torch::Tensor hidden,
                        const ForwardSetup& setup, const RotaryTables& rotary,
                        const ForwardInput& input, bool checkpoint) {
  for (size_t i = 0; i < layers->size(); ++i) {
    const auto layer = layers->ptr<LayerImpl>(i);
    if (checkpoint) {
      // The replay happens after this forward returns: the block owns copies of what it reads.
      hidden = runCheckpointed(
          [layer, plan = setup.plan, localPlan = setup.localPlan, rotary,
           index = static_cast<int64_t>(i), past = setup.past](const torch::Tensor& x) {
            LayerContext context{plan, rotary.cos, rotary.sin,      nullptr,        index,
                                 past, localPlan,  rotary.localCos, rotary.localSin};
            return layer->forward(x, context);
          },
          hidden);
      continue;
    }
    LayerContext context{setup.plan, rotary.cos,      rotary.sin,      input.cache,    int64_t(i),
                         setup.past, setup.localPlan, rotary.localCos, rotary.localSin};
    hidden = layer->forward(hidden, context);
  }
  if (input.cache) input.cache->length = setup.past + setup.length;
  return hidden;
}

class LlamaBodyImpl : public torch::nn::Module {
 public:
  explicit LlamaBodyImpl(const ModelConfig& config) {
    embed_tokens = register_module("embed_tokens", Embedding(config.vocabSize, config.hiddenSize));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.numLayers; ++i) layers->push_back(LlamaLayer(config));
    norm = register_module("norm", RMSNorm(config.hiddenSize, config.normEps, config.gemmaNorms));
    rotary_emb = register_module(
        "rotary_emb", RotaryEmbedding(config.rotaryDim(), config.ropeTheta, config.ropeScaling));
    // Gemma 3's local layers: their own base, no scaling (the name ends like the global one's,
    // so a checkpoint's inv_freq entries are ignored alike).
    if (config.localRopeTheta)
      local_rotary_emb = register_module(
          "local_rotary_emb",
          RotaryEmbedding(config.rotaryDim(), *config.localRopeTheta, RopeScaling{}));
  }

  RotaryTables rotaryTables(const torch::Tensor& positions) {
    RotaryTables tables;
    std::tie(tables.cos, tables.sin) = rotary_emb(positions);
    if (local_rotary_emb)
      std::tie(tables.localCos, tables.localSin) = local_rotary_emb(positions);
    else
      std::tie(tables.localCos, tables.localSin) = std::tie(tables.cos, tables.sin);
    return tables;
  }

  Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
  RotaryEmbedding rotary_emb{nullptr}, local_rotary_emb{nullptr};
};
TORCH_MODULE(LlamaBody);

class LlamaCausalLM : public CausalLMImpl {
 public:
  explicit LlamaCausalLM(const ModelConfig& config) : CausalLMImpl(config) {
    model = register_module("model", LlamaBody(config));
    if (!config.tieWordEmbeddings && !config.isClassifier())
      lm_head = register_module("lm_head", Linear(config.hiddenSize, config.vocabSize, false));
  }

  torch::Tensor forward(const ForwardInput& input) override {
    // A window on every layer (Mistral) is the plan; on some layers (Gemma 2, 3) the local plan.
    const bool perLayerWindow = !config_.slidingLayers.empty();
    const auto setup = prepareForward(input, virtualTokenCount(),
                                      perLayerWindow ? std::nullopt : config_.slidingWindow,
                                      perLayerWindow ? config_.slidingWindow : std::nullopt);
    auto embedded =
        withVirtualTokens(model->embed_tokens(input.inputIds), virtualTokens_, setup.inserted);
    // Gemma: √hidden_size, rounded to the embeddings' dtype as the reference does.
    if (config_.gemmaNorms)
      embedded = embedded * torch::tensor(std::sqrt(static_cast<double>(config_.hiddenSize)),
                                          embedded.options());
    auto hidden = runLayers<LlamaLayerImpl>(model->layers, embedded, setup,
                                            model->rotaryTables(setup.positions), input,
                                            checkpointsLayers(input));
    hidden = model->norm(hidden);
    return projectToVocabulary(hidden, lm_head, model->embed_tokens->weight, input, config_,
                               setup.inserted);
  }

  Linear* languageModelHead() override { return lm_head ? &lm_head : nullptr; }

  void dropLanguageModelHead() override {
    if (lm_head) unregister_module("lm_head");
    lm_head = nullptr;
  }

  torch::Tensor inputEmbeddingWeight() const override { return model->embed_tokens->weight; }

  // The language model of a multimodal folder: its weights under the folder's prefixes (older
  // and newer transformers save them differently). The plain name comes first: it is what a
  // saved folder, a text model's, uses.
  std::vector<std::string> fileNamesFor(const std::string& parameter) const override {
    if (config_.languageModelOf.empty()) return {parameter};
    const std::string body = "model.";
    if (parameter.rfind(body, 0) == 0)
      return {parameter, "language_model." + parameter,
              "model.language_model." + parameter.substr(body.size())};
    return {parameter, "language_model." + parameter};
  }

  bool isIgnoredFileTensor(const std::string& name) const override {
    // A multimodal folder's vision tower and projector are not part of the language model.
    if (!config_.languageModelOf.empty())
      for (const char* part : {"vision_tower.", "multi_modal_projector."})
        if (name.rfind(part, 0) == 0 || name.rfind(std::string("model.") + part, 0) == 0)
          return true;
    return endsWith(name, "rotary_emb.inv_freq") ||
           (config_.tieWordEmbeddings && name == "lm_head.weight") ||
           CausalLMImpl::isIgnoredFileTensor(name);
  }

  LlamaBody model{nullptr};
  Linear lm_head{nullptr};
};

class Gpt2BodyImpl : public torch::nn::Module {
 public:
  explicit Gpt2BodyImpl(const ModelConfig& config) {
    wte = register_module("wte", Embedding(config.vocabSize, config.hiddenSize));
    wpe = register_module("wpe", Embedding(config.maxPositions, config.hiddenSize));
    h = register_module("h", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.numLayers; ++i) h->push_back(Gpt2Layer(config));
    ln_f = register_module("ln_f", LayerNorm(config.hiddenSize, config.normEps));
  }
  Embedding wte{nullptr}, wpe{nullptr};
  torch::nn::ModuleList h{nullptr};
  LayerNorm ln_f{nullptr};
};
TORCH_MODULE(Gpt2Body);

class Gpt2CausalLM : public CausalLMImpl {
 public:
  explicit Gpt2CausalLM(const ModelConfig& config) : CausalLMImpl(config) {
    transformer = register_module("transformer", Gpt2Body(config));
    if (!config.tieWordEmbeddings && !config.isClassifier())
      lm_head = register_module("lm_head", Linear(config.hiddenSize, config.vocabSize, false));
  }

  torch::Tensor forward(const ForwardInput& input) override {
    const auto setup = prepareForward(input, virtualTokenCount(), std::nullopt);
    const int64_t end = setup.past + setup.length;
    if (end > config_.maxPositions)
      throw Error("sequence of " + std::to_string(end) + " tokens" +
                  (virtualTokenCount() > 0 ? " (virtual tokens included)" : "") +
                  " exceeds the model's n_positions (" + std::to_string(config_.maxPositions) +
                  ")");
    const auto embedded =
        withVirtualTokens(transformer->wte(input.inputIds), virtualTokens_, setup.inserted);
    auto hidden =
        runLayers<Gpt2LayerImpl>(transformer->h, embedded + transformer->wpe(setup.positions),
                                 setup, RotaryTables{}, input, checkpointsLayers(input));
    hidden = transformer->ln_f(hidden);
    return projectToVocabulary(hidden, lm_head, transformer->wte->weight, input, config_,
                               setup.inserted);
  }

  Linear* languageModelHead() override { return lm_head ? &lm_head : nullptr; }

  void dropLanguageModelHead() override {
    if (lm_head) unregister_module("lm_head");
    lm_head = nullptr;
  }

  torch::Tensor inputEmbeddingWeight() const override { return transformer->wte->weight; }

  // The original GPT-2 checkpoints name weights without the "transformer." prefix.
  std::vector<std::string> fileNamesFor(const std::string& parameter) const override {
    const std::string prefix = "transformer.";
    if (parameter.rfind(prefix, 0) == 0) return {parameter, parameter.substr(prefix.size())};
    return {parameter};
  }

  // Conv1D layers keep weights as [in, out].
  bool storedTransposed(const std::string& parameter) const override {
    for (const char* layer :
         {".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight"})
      if (endsWith(parameter, layer)) return true;
    return false;
  }

  bool isIgnoredFileTensor(const std::string& name) const override {
    return endsWith(name, ".attn.bias") || endsWith(name, ".attn.masked_bias") ||
           (config_.tieWordEmbeddings && name == "lm_head.weight") ||
           CausalLMImpl::isIgnoredFileTensor(name);
  }

  Gpt2Body transformer{nullptr};
  Linear lm_head{nullptr};
};

}  // namespace

bool CausalLMImpl::isIgnoredFileTensor(const std::string&) const {
  return false;
}

torch::Tensor CausalLMImpl::plainOutputWeight() {
  // A capped head (Gemma 2) is not x Wᵀ.
  if (isClassifier() || config_.finalLogitSoftcap) return {};
  Linear* head = languageModelHead();
  if (!head) return inputEmbeddingWeight();
  // An adapter layer derives from LinearImpl and computes more than x Wᵀ.
  const auto& layer = **head;
  if (typeid(layer) != typeid(LinearImpl) || layer.bias.defined()) return {};
  return layer.weight;
}

bool CausalLMImpl::checkpointsLayers(const ForwardInput& input) const {
  return activationCheckpointing_ && is_training() && torch::GradMode::is_enabled() && !input.cache;
}

void CausalLMImpl::setVirtualTokens(torch::Tensor embeddings) {
  if (virtualTokens_.defined()) throw Error("the model has virtual tokens already");
  if (embeddings.dim() != 2 || embeddings.size(0) < 1 || embeddings.size(1) != config_.hiddenSize)
    throw Error("virtual tokens must be [count, " + std::to_string(config_.hiddenSize) +
                "] embeddings");
  virtualTokens_ = register_parameter("prompt_embeddings", std::move(embeddings));
}

KVCache CausalLMImpl::makeCache(int64_t batch, int64_t capacity) const {
  KVCache cache;
  capacity += virtualTokenCount();
  const auto reference = parameters().front();
  const auto options = reference.options().requires_grad(false);
  for (int64_t i = 0; i < config_.numLayers; ++i) {
    cache.keys.push_back(
        torch::zeros({batch, config_.numKeyValueHeads, capacity, config_.headDim}, options));
    cache.values.push_back(
        torch::zeros({batch, config_.numKeyValueHeads, capacity, config_.headDim}, options));
  }
  return cache;
}

void CausalLMImpl::registerClassificationHead() {
  score_ = register_module(
      "score", Linear(config_.hiddenSize, static_cast<int64_t>(config_.classLabels.size()), false));
}

void CausalLMImpl::attachClassificationHead(const std::vector<std::string>& labels, uint64_t seed) {
  if (labels.size() < 2) throw Error("a classifier needs at least two labels");
  if (isClassifier()) throw Error("the model already has a classification head");
  const auto reference = parameters().front();
  dropLanguageModelHead();
  config_.makeClassifier(labels);
  registerClassificationHead();
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed);
  auto values = torch::empty(score_->weight.sizes(), torch::kFloat32);
  values.normal_(0.0, 0.02, generator);
  score_->weight.set_data(values.to(reference.device(), reference.scalar_type()));
}

torch::Tensor CausalLMImpl::classify(const ForwardInput& input, const torch::Tensor& lastIndex) {
  if (!score_) throw Error("this model has no classification head");
  ForwardInput hiddenInput = input;
  hiddenInput.hiddenStatesOnly = true;
  hiddenInput.lastPositionOnly = false;
  const auto hidden = forward(hiddenInput);
  const auto rows = torch::arange(hidden.size(0), lastIndex.options());
  const auto pooled = hidden.index({rows, lastIndex});
  return score_->forward(pooled).to(torch::kFloat32);
}

CausalLM buildCausalLM(const ModelConfig& config) {
  // The parameters are made in fp32 first: a config that passes the plausibility bounds can still
  // ask for more than the machine has, which must be an error, not the kernel's OOM killer.
  const auto estimate = estimateMemory(config);
  const int64_t machine = machineMemoryBytes();
  if (machine > 0 && estimate.fp32Bytes > double(machine))
    throw Error("the model needs " + formatBytes(estimate.fp32Bytes) +
                " for its weights in fp32 (" + std::to_string(estimate.parameters) +
                " parameters from config.json), more than this machine's " +
                formatBytes(double(machine)) + " of memory and swap");
  CausalLM model;
  if (config.family == ModelFamily::Gpt2)
    model = std::make_shared<Gpt2CausalLM>(config);
  else
    model = std::make_shared<LlamaCausalLM>(config);
  if (config.isClassifier()) model->registerClassificationHead();
  return model;
}

void initializeWeights(CausalLMImpl& model, uint64_t seed) {
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& item : model.named_parameters()) {
    auto& parameter = item.value();
    const auto& name = item.key();
    auto values = torch::empty(parameter.sizes(), torch::kFloat32);
    if (endsWith(name, "bias")) {
      values.zero_();
    } else if (parameter.dim() == 1) {
      values.fill_(model.config().gemmaNorms ? 0.0 : 1.0);  // norm scales (Gemma's are 1 + w)
    } else {
      values.normal_(0.0, 0.02, generator);
    }
    parameter.copy_(values);
  }
}

}  // namespace tunebench
