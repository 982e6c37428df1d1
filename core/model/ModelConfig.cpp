#include "model/ModelConfig.h"

#include <cmath>

#include "common/Error.h"
#include "common/JsonFile.h"

namespace tunebench {

namespace {

struct ArchitectureName {
  const char* architecture;
  const char* modelType;
  ModelFamily family;
  const char* classifier;  // the same body with a sequence-classification head
};

// Adding an architecture: one row here plus, if its shape is new, one model class.
constexpr ArchitectureName kArchitectures[] = {
    {"LlamaForCausalLM", "llama", ModelFamily::Llama, "LlamaForSequenceClassification"},
    {"MistralForCausalLM", "mistral", ModelFamily::Llama, "MistralForSequenceClassification"},
    {"Qwen2ForCausalLM", "qwen2", ModelFamily::Llama, "Qwen2ForSequenceClassification"},
    {"Qwen3ForCausalLM", "qwen3", ModelFamily::Llama, "Qwen3ForSequenceClassification"},
    {"SmolLM3ForCausalLM", "smollm3", ModelFamily::Llama, "SmolLM3ForSequenceClassification"},
    {"Olmo2ForCausalLM", "olmo2", ModelFamily::Llama, "Olmo2ForSequenceClassification"},
    {"GemmaForCausalLM", "gemma", ModelFamily::Llama, "GemmaForSequenceClassification"},
    {"Gemma2ForCausalLM", "gemma2", ModelFamily::Llama, "Gemma2ForSequenceClassification"},
    {"Gemma3ForCausalLM", "gemma3_text", ModelFamily::Llama, "Gemma3TextForSequenceClassification"},
    {"Phi3ForCausalLM", "phi3", ModelFamily::Llama, "Phi3ForSequenceClassification"},
    {"GPT2LMHeadModel", "gpt2", ModelFamily::Gpt2, "GPT2ForSequenceClassification"},
};

// id2label ({"0": "neg", "1": "pos"}) or, without it, num_labels (LABEL_0, LABEL_1, ...).
std::vector<std::string> readClassLabels(const nlohmann::json& json, const std::string& file) {
  std::vector<std::string> labels;
  if (json.contains("id2label") && json["id2label"].is_object() && !json["id2label"].empty()) {
    const auto& names = json["id2label"];
    labels.resize(names.size());
    for (auto it = names.begin(); it != names.end(); ++it) {
      size_t id = labels.size();
      try {
        size_t used = 0;
        id = std::stoul(it.key(), &used);
        if (used != it.key().size()) id = labels.size();
      } catch (const std::exception&) {
      }
      if (id >= labels.size() || !it.value().is_string() || !labels[id].empty())
        throw Error(file + ": id2label must map the ids 0.." + std::to_string(names.size() - 1) +
                    " to distinct label names (at \"" + it.key() + "\")");
      labels[id] = it.value().get<std::string>();
    }
  } else if (json.contains("num_labels")) {
    if (!json["num_labels"].is_number_integer() || json["num_labels"].get<int64_t>() < 2 ||
        json["num_labels"].get<int64_t>() > 100000)
      throw Error(file + ": num_labels must be an integer from 2 to 100000");
    for (int64_t i = 0; i < json["num_labels"].get<int64_t>(); ++i)
      labels.push_back("LABEL_" + std::to_string(i));
  } else {
    throw Error(file + ": a sequence classifier needs id2label or num_labels");
  }
  if (labels.size() < 2) throw Error(file + ": a sequence classifier needs at least two labels");
  return labels;
}

class Reader {
 public:
  Reader(const nlohmann::json& json, const std::string& fileName) : json_(json), file_(fileName) {}

  bool has(const char* key) const { return json_.contains(key) && !json_[key].is_null(); }

  int64_t positive(const char* key) const {
    if (!has(key)) throw Error(file_ + ": missing required field '" + key + "'");
    return positiveValue(json_[key], key);
  }
  int64_t positiveOr(const char* key, int64_t fallback) const {
    return has(key) ? positiveValue(json_[key], key) : fallback;
  }
  double numberOr(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_number()) throw Error(file_ + ": '" + key + "' must be a number");
    return json_[key].get<double>();
  }
  bool boolOr(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_boolean()) throw Error(file_ + ": '" + key + "' must be true or false");
    return json_[key].get<bool>();
  }
  std::string stringOr(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!json_[key].is_string()) throw Error(file_ + ": '" + key + "' must be a string");
    return json_[key].get<std::string>();
  }
  std::optional<int64_t> optionalId(const char* key) const {
    if (!has(key)) return std::nullopt;
    if (!json_[key].is_number_integer() || json_[key].get<int64_t>() < 0)
      throw Error(file_ + ": '" + key + "' must be a non-negative integer");
    return json_[key].get<int64_t>();
  }
  std::vector<int64_t> idList(const char* key) const {
    if (!has(key)) return {};
    if (json_[key].is_array()) {
      std::vector<int64_t> ids;
      for (const auto& id : json_[key]) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0)
          throw Error(file_ + ": '" + key + "' must hold non-negative integers");
        ids.push_back(id.get<int64_t>());
      }
      return ids;
    }
    return {*optionalId(key)};
  }
  const std::string& file() const { return file_; }

 private:
  int64_t positiveValue(const nlohmann::json& value, const char* key) const {
    if (!value.is_number_integer() || value.get<int64_t>() <= 0)
      throw Error(file_ + ": '" + key + "' must be a positive integer");
    return value.get<int64_t>();
  }
  const nlohmann::json& json_;
  std::string file_;
};

double ropeParameterOr(const nlohmann::json& json, const char* key, double fallback) {
  if (!json.contains("rope_parameters") || !json["rope_parameters"].is_object()) return fallback;
  const auto& parameters = json["rope_parameters"];
  return parameters.contains(key) && parameters[key].is_number() ? parameters[key].get<double>()
                                                                 : fallback;
}

// SmolLM3: no_rope_layers (1 rotates, 0 does not), or every no_rope_layer_interval-th layer
// without positions; its sliding window (only on layers without positions) is not supported.
void readNoRopeLayers(const nlohmann::json& json, const std::string& file, ModelConfig& config) {
  Reader reader(json, file);
  if (reader.boolOr("use_sliding_window", false))
    throw Error(file + ": use_sliding_window is not supported for SmolLM3 (set it to false)");
  if (reader.has("no_rope_layers")) {
    const auto& flags = json["no_rope_layers"];
    if (!flags.is_array() || flags.size() < size_t(config.numLayers))
      throw Error(file + ": no_rope_layers must list 0 or 1 for each of the " +
                  std::to_string(config.numLayers) + " layers");
    for (int64_t i = 0; i < config.numLayers; ++i) {
      const auto& flag = flags[size_t(i)];
      if (!flag.is_number_integer() || (flag.get<int64_t>() != 0 && flag.get<int64_t>() != 1))
        throw Error(file + ": no_rope_layers[" + std::to_string(i) + "] must be 0 or 1");
      config.ropeLayers.push_back(flag.get<int64_t>() == 1);
    }
    return;
  }
  const int64_t interval = reader.positiveOr("no_rope_layer_interval", 4);
  for (int64_t i = 0; i < config.numLayers; ++i)
    config.ropeLayers.push_back((i + 1) % interval != 0);
}

// Gemma 1, 2 and 3 (text): GeGLU with the tanh-approximated GELU, (1 + w) norms and scaled
// embeddings; Gemma 2 and 3 add the norms around both sublayers, the score scale from
// query_pre_attn_scalar and the sliding window on some layers; Gemma 2 caps scores and logits;
// Gemma 3 normalises each head's queries and keys and rotates its local layers with their own
// base. Defaults are those of Hugging Face's configuration classes.
void readGemma(const nlohmann::json& json, const std::string& file, const std::string& type,
               ModelConfig& config) {
  Reader reader(json, file);
  // Gemma's released configs say hidden_act "gelu" but it computes the tanh approximation
  // (hidden_activation, where given, is what it uses).
  config.hiddenAct = reader.stringOr("hidden_activation", "gelu_pytorch_tanh");
  if (config.hiddenAct != "gelu_pytorch_tanh" && config.hiddenAct != "gelu")
    throw Error(file + ": hidden_activation '" + config.hiddenAct +
                "' is not supported (gelu_pytorch_tanh, gelu)");
  config.gemmaNorms = true;
  config.tieWordEmbeddings = reader.boolOr("tie_word_embeddings", true);
  if (type == "gemma") return;
  config.normPlacement = ModelConfig::NormPlacement::Around;
  const double scalar = reader.numberOr("query_pre_attn_scalar", 256);
  if (!(scalar > 0)) throw Error(file + ": query_pre_attn_scalar must be positive");
  config.attentionScale = 1.0 / std::sqrt(scalar);
  config.slidingWindow = reader.positiveOr("sliding_window", 4096);
  const auto softcap = [&](const char* key,
                           std::optional<double> fallback) -> std::optional<double> {
    if (!json.contains(key)) return fallback;
    if (json[key].is_null()) return std::nullopt;
    const double cap = reader.numberOr(key, 0);
    if (!(cap > 0)) throw Error(file + ": " + key + " must be positive or null");
    return cap;
  };
  const bool gemma2 = type == "gemma2";
  config.attentionSoftcap =
      softcap("attn_logit_softcapping", gemma2 ? std::optional<double>(50.0) : std::nullopt);
  config.finalLogitSoftcap =
      softcap("final_logit_softcapping", gemma2 ? std::optional<double>(30.0) : std::nullopt);
  if (type == "gemma3_text") {
    config.queryKeyNorm = ModelConfig::QueryKeyNorm::PerHead;
    config.localRopeTheta = reader.numberOr("rope_local_base_freq", 10000.0);
    if (!(*config.localRopeTheta > 1))
      throw Error(file + ": rope_local_base_freq must be a base above 1");
  }
}

// Which layers use the sliding window: layer_types where given, else Gemma 2's alternation (even
// layers local) or Gemma 3's sliding_window_pattern (every sixth layer global).
void readSlidingLayers(const nlohmann::json& json, const std::string& file, const std::string& type,
                       ModelConfig& config) {
  Reader reader(json, file);
  if (reader.has("layer_types")) {
    const auto& types = json["layer_types"];
    if (!types.is_array() || types.size() < size_t(config.numLayers))
      throw Error(file + ": layer_types must name the attention of each of the " +
                  std::to_string(config.numLayers) + " layers");
    for (int64_t i = 0; i < config.numLayers; ++i) {
      const auto& kind = types[size_t(i)];
      if (kind != "sliding_attention" && kind != "full_attention")
        throw Error(file + ": layer_types[" + std::to_string(i) +
                    "] must be \"sliding_attention\" or \"full_attention\"");
      config.slidingLayers.push_back(kind == "sliding_attention");
    }
    return;
  }
  const int64_t pattern = type == "gemma2" ? 2 : reader.positiveOr("sliding_window_pattern", 6);
  for (int64_t i = 0; i < config.numLayers; ++i)
    config.slidingLayers.push_back((i + 1) % pattern != 0);
}

// LongRope's factors cover half the rotated dimensions; without an attention_factor, cos and sin
// are scaled by sqrt(1 + ln(s) / ln(original)) for s = max_position_embeddings / original (1 when
// s <= 1), as Hugging Face computes it for Phi-3.
void completeLongRope(const std::string& file, ModelConfig& config) {
  auto& scaling = config.ropeScaling;
  const size_t half = static_cast<size_t>(config.rotaryDim() / 2);
  if (scaling.shortFactor.size() != half || scaling.longFactor.size() != half)
    throw Error(file + ": rope_scaling short_factor and long_factor need " + std::to_string(half) +
                " numbers each (half the rotated head dimensions)");
  if (scaling.attentionFactor > 0) return;
  const double stretch =
      static_cast<double>(config.maxPositions) / static_cast<double>(scaling.originalMaxPositions);
  scaling.attentionFactor =
      stretch <= 1.0
          ? 1.0
          : std::sqrt(1.0 + std::log(stretch) /
                                std::log(static_cast<double>(scaling.originalMaxPositions)));
}

void readRopeScaling(const nlohmann::json& json, const std::string& file, RopeScaling& scaling) {
  if (!json.contains("rope_scaling") || json["rope_scaling"].is_null()) return;
  const auto& rope = json["rope_scaling"];
  if (!rope.is_object()) throw Error(file + ": 'rope_scaling' must be an object or null");
  std::string type = rope.value("rope_type", rope.value("type", std::string("default")));
  Reader reader(rope, file + ": rope_scaling");
  if (type == "default") return;
  scaling.factor = reader.numberOr("factor", 1.0);
  if (scaling.factor <= 0) throw Error(file + ": rope_scaling.factor must be positive");
  if (type == "linear") {
    scaling.type = RopeScaling::Type::Linear;
  } else if (type == "llama3") {
    scaling.type = RopeScaling::Type::Llama3;
    scaling.lowFreqFactor = reader.numberOr("low_freq_factor", 1.0);
    scaling.highFreqFactor = reader.numberOr("high_freq_factor", 4.0);
    scaling.originalMaxPositions = reader.positiveOr("original_max_position_embeddings", 8192);
    if (scaling.highFreqFactor <= scaling.lowFreqFactor)
      throw Error(file + ": rope_scaling high_freq_factor must exceed low_freq_factor");
  } else if (type == "longrope" || type == "su") {
    scaling.type = RopeScaling::Type::LongRope;
    const auto factors = [&](const char* key) {
      if (!rope.contains(key) || !rope[key].is_array() || rope[key].empty())
        throw Error(file + ": rope_scaling." + key + " must be a list of numbers");
      std::vector<double> values;
      for (const auto& value : rope[key]) {
        if (!value.is_number() || !(value.get<double>() > 0))
          throw Error(file + ": rope_scaling." + key + " must hold positive numbers");
        values.push_back(value.get<double>());
      }
      return values;
    };
    scaling.shortFactor = factors("short_factor");
    scaling.longFactor = factors("long_factor");
    // The context it was trained on: rope_scaling's, else config.json's own field (Phi-3's).
    Reader top(json, file);
    scaling.originalMaxPositions = reader.positiveOr(
        "original_max_position_embeddings", top.positiveOr("original_max_position_embeddings", 0));
    if (scaling.originalMaxPositions == 0)
      throw Error(file + ": longrope needs original_max_position_embeddings");
    scaling.attentionFactor = reader.numberOr("attention_factor", 0);
  } else {
    throw Error(file + ": rope_scaling type '" + type +
                "' is not supported (supported: linear, llama3, longrope)");
  }
}

// Far above any real model, far below what would exhaust memory before loading fails: a
// hostile or mistyped config.json is refused with the field, not by an allocation.
void checkModelConfigRanges(const ModelConfig& config, const std::string& fileName) {
  const bool gpt2 = config.family == ModelFamily::Gpt2;
  auto atMost = [&](const char* name, int64_t value, int64_t limit) {
    if (value > limit)
      throw Error(fileName + ": " + name + " is " + std::to_string(value) + ", more than " +
                  std::to_string(limit) + " (no model Tunebench loads is that large)");
  };
  atMost("vocab_size", config.vocabSize, int64_t(1) << 22);
  atMost(gpt2 ? "n_embd" : "hidden_size", config.hiddenSize, int64_t(1) << 17);
  atMost(gpt2 ? "n_inner" : "intermediate_size", config.intermediateSize, int64_t(1) << 20);
  atMost(gpt2 ? "n_layer" : "num_hidden_layers", config.numLayers, 1024);
  atMost(gpt2 ? "n_head" : "num_attention_heads", config.numHeads, 1024);
  const char* epsName = gpt2 ? "layer_norm_epsilon" : "rms_norm_eps";
  if (!std::isfinite(config.normEps) || config.normEps <= 0 || config.normEps >= 1)
    throw Error(fileName + ": " + epsName + " must be a small positive number (e.g. 1e-6), not " +
                std::to_string(config.normEps));
  if (!gpt2 && (!std::isfinite(config.ropeTheta) || config.ropeTheta <= 1))
    throw Error(fileName + ": rope_theta must be a positive base above 1 (e.g. 10000), not " +
                std::to_string(config.ropeTheta));
}

}  // namespace

const std::vector<std::string>& supportedArchitectures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const auto& entry : kArchitectures) list.emplace_back(entry.architecture);
    return list;
  }();
  return names;
}

namespace {

// GPT-2's own field names; its layers always carry biases.
void readGpt2Fields(const Reader& reader, const std::string& fileName, ModelConfig& config) {
  config.vocabSize = reader.positive("vocab_size");
  config.hiddenSize = reader.positive("n_embd");
  config.numLayers = reader.positive("n_layer");
  config.numHeads = reader.positive("n_head");
  config.numKeyValueHeads = config.numHeads;
  config.maxPositions = reader.positive("n_positions");
  config.intermediateSize = reader.positiveOr("n_inner", 4 * config.hiddenSize);
  config.normEps = reader.numberOr("layer_norm_epsilon", 1e-5);
  config.hiddenAct = reader.stringOr("activation_function", "gelu_new");
  config.tieWordEmbeddings = reader.boolOr("tie_word_embeddings", true);
  config.attentionBias = config.outputProjectionBias = config.mlpBias = true;
  if (config.hiddenAct != "gelu_new" && config.hiddenAct != "gelu" &&
      config.hiddenAct != "gelu_pytorch_tanh")
    throw Error(fileName + ": activation_function '" + config.hiddenAct +
                "' is not supported (gelu_new, gelu, gelu_pytorch_tanh)");
}

// The Llama-shaped families: Llama's field names, with each family's defaults and additions.
void readLlamaShapedFields(const nlohmann::json& json, const Reader& reader,
                           const std::string& fileName, const std::string& type,
                           ModelConfig& config) {
  config.vocabSize = reader.positive("vocab_size");
  config.hiddenSize = reader.positive("hidden_size");
  config.intermediateSize = reader.positive("intermediate_size");
  config.numLayers = reader.positive("num_hidden_layers");
  config.numHeads = reader.positive("num_attention_heads");
  config.numKeyValueHeads = reader.positiveOr("num_key_value_heads", config.numHeads);
  config.maxPositions = reader.positiveOr("max_position_embeddings", 2048);
  config.normEps = reader.numberOr("rms_norm_eps", 1e-6);
  // Newer configs keep the base in rope_parameters.
  config.ropeTheta = reader.numberOr("rope_theta", ropeParameterOr(json, "rope_theta", 10000.0));
  config.hiddenAct = reader.stringOr("hidden_act", "silu");
  const bool qwen2 = type == "qwen2";
  const bool qwen3 = type == "qwen3";
  const bool smollm3 = type == "smollm3";
  // Hugging Face's default where config.json says nothing.
  config.tieWordEmbeddings = reader.boolOr("tie_word_embeddings", smollm3);
  const bool olmo2 = type == "olmo2";
  config.queryKeyNorm = qwen3   ? ModelConfig::QueryKeyNorm::PerHead
                        : olmo2 ? ModelConfig::QueryKeyNorm::WholeProjection
                                : ModelConfig::QueryKeyNorm::None;
  if (olmo2) config.normPlacement = ModelConfig::NormPlacement::After;
  config.attentionBias = qwen2 || reader.boolOr("attention_bias", false);
  config.outputProjectionBias = !qwen2 && reader.boolOr("attention_bias", false);
  config.mlpBias = reader.boolOr("mlp_bias", false);
  const bool gemma = type == "gemma" || type == "gemma2" || type == "gemma3_text";
  if (gemma) {
    readGemma(json, fileName, type, config);
  } else if (config.hiddenAct != "silu") {
    throw Error(fileName + ": hidden_act '" + config.hiddenAct + "' is not supported (silu)");
  }
  readRopeScaling(json, fileName, config.ropeScaling);
  const bool phi3 = type == "phi3";
  if (phi3) {
    config.fusedProjections = true;
    config.partialRotaryFactor = reader.numberOr("partial_rotary_factor", 1.0);
    if (!(config.partialRotaryFactor > 0 && config.partialRotaryFactor <= 1))
      throw Error(fileName + ": partial_rotary_factor must be above 0 and at most 1");
  }
  const bool windowApplies =
      type == "mistral" || phi3 || ((qwen2 || qwen3) && reader.boolOr("use_sliding_window", false));
  if (windowApplies && reader.has("sliding_window"))
    config.slidingWindow = reader.positive("sliding_window");
}

// Gemma 3's multimodal folders: the language model's config is text_config, completed with the
// fields the outer config holds for it; it loads as Gemma3ForCausalLM.
nlohmann::json languageModelConfig(const nlohmann::json& outer, const std::string& fileName) {
  if (!outer.contains("text_config") || !outer["text_config"].is_object())
    throw Error(fileName + ": Gemma3ForConditionalGeneration needs a text_config object");
  nlohmann::json text = outer["text_config"];
  for (const char* key : {"bos_token_id", "eos_token_id", "pad_token_id", "torch_dtype", "dtype",
                          "tie_word_embeddings"})
    if (outer.contains(key) && !text.contains(key)) text[key] = outer[key];
  text["architectures"] = {"Gemma3ForCausalLM"};
  text["model_type"] = "gemma3_text";
  return text;
}

}  // namespace

ModelConfig parseModelConfig(const std::string& text, const std::string& fileName) {
  nlohmann::json json = parseJson(text, fileName);
  if (!json.is_object()) throw Error(fileName + ": expected a JSON object");
  if (json.contains("architectures") && json["architectures"].is_array() &&
      !json["architectures"].empty() &&
      json["architectures"][0] == "Gemma3ForConditionalGeneration") {
    auto config = parseModelConfig(languageModelConfig(json, fileName).dump(), fileName);
    config.languageModelOf = "Gemma3ForConditionalGeneration";
    return config;
  }
  ModelConfig config;
  config.raw = json;

  std::string supported;
  for (const auto& name : supportedArchitectures())
    supported += (supported.empty() ? "" : ", ") + name;
  if (!json.contains("architectures") || !json["architectures"].is_array() ||
      json["architectures"].empty() || !json["architectures"][0].is_string())
    throw Error(fileName + ": 'architectures' must list the model class (supported: " + supported +
                ")");
  config.architecture = json["architectures"][0].get<std::string>();
  const ArchitectureName* known = nullptr;
  bool classifier = false;
  for (const auto& entry : kArchitectures) {
    if (config.architecture == entry.architecture) known = &entry;
    if (config.architecture == entry.classifier) known = &entry, classifier = true;
  }
  if (!known)
    throw Error(fileName + ": architecture '" + config.architecture +
                "' is not supported (supported: " + supported + ")");
  config.family = known->family;
  Reader reader(json, fileName);
  config.modelType = reader.stringOr("model_type", known->modelType);

  if (config.family == ModelFamily::Gpt2)
    readGpt2Fields(reader, fileName, config);
  else
    readLlamaShapedFields(json, reader, fileName, known->modelType, config);
  checkModelConfigRanges(config, fileName);
  if (std::string(known->modelType) == "smollm3") readNoRopeLayers(json, fileName, config);
  if (std::string(known->modelType) == "gemma2" || std::string(known->modelType) == "gemma3_text")
    readSlidingLayers(json, fileName, known->modelType, config);
  config.headDim = reader.positiveOr("head_dim", 0);
  if (config.headDim == 0) {
    if (config.hiddenSize % config.numHeads != 0)
      throw Error(fileName + ": num_attention_heads (" + std::to_string(config.numHeads) +
                  ") does not divide hidden_size (" + std::to_string(config.hiddenSize) + ")");
    config.headDim = config.hiddenSize / config.numHeads;
  }
  if (config.headDim % 2 != 0)
    throw Error(fileName + ": head dimension " + std::to_string(config.headDim) + " must be even");
  if (config.numHeads % config.numKeyValueHeads != 0)
    throw Error(fileName + ": num_key_value_heads (" + std::to_string(config.numKeyValueHeads) +
                ") does not divide num_attention_heads (" + std::to_string(config.numHeads) + ")");
  if (config.ropeScaling.type == RopeScaling::Type::LongRope) completeLongRope(fileName, config);
  config.bosTokenId = reader.optionalId("bos_token_id");
  config.eosTokenIds = reader.idList("eos_token_id");
  config.padTokenId = reader.optionalId("pad_token_id");
  config.torchDtype = reader.stringOr("torch_dtype", reader.stringOr("dtype", "float32"));
  if (config.torchDtype != "float32" && config.torchDtype != "bfloat16" &&
      config.torchDtype != "float16")
    throw Error(fileName + ": torch_dtype '" + config.torchDtype +
                "' is not supported (float32, bfloat16, float16)");
  if (classifier) config.classLabels = readClassLabels(json, fileName);
  return config;
}

void ModelConfig::makeClassifier(const std::vector<std::string>& labels) {
  for (const auto& entry : kArchitectures)
    if (architecture == entry.architecture || architecture == entry.classifier)
      architecture = entry.classifier;
  classLabels = labels;
  raw["architectures"] = {architecture};
  raw["num_labels"] = labels.size();
  nlohmann::json idToLabel = nlohmann::json::object(), labelToId = nlohmann::json::object();
  for (size_t i = 0; i < labels.size(); ++i) {
    idToLabel[std::to_string(i)] = labels[i];
    labelToId[labels[i]] = i;
  }
  raw["id2label"] = idToLabel;
  raw["label2id"] = labelToId;
}

ModelConfig loadModelConfig(const std::string& path) {
  return parseModelConfig(readTextFile(path), path);
}

int64_t ModelConfig::parameterCount() const {
  const int64_t h = hiddenSize, d = headDim, kv = numKeyValueHeads, heads = numHeads;
  int64_t attention = h * heads * d + 2 * h * kv * d + heads * d * h;
  if (attentionBias) attention += heads * d + 2 * kv * d;
  if (outputProjectionBias) attention += h;
  int64_t perLayer = attention;
  if (family == ModelFamily::Gpt2) {
    perLayer += 2 * h * intermediateSize + intermediateSize + h;  // c_fc, c_proj with biases
    perLayer += 4 * h;                                            // two LayerNorms
  } else {
    perLayer += 3 * h * intermediateSize + (mlpBias ? 2 * intermediateSize + h : 0);
    perLayer += (normPlacement == NormPlacement::Around ? 4 : 2) * h;  // RMSNorms
    if (queryKeyNorm == QueryKeyNorm::PerHead) perLayer += 2 * d;
    if (queryKeyNorm == QueryKeyNorm::WholeProjection) perLayer += heads * d + kv * d;
  }
  int64_t total = numLayers * perLayer + vocabSize * h;
  total += family == ModelFamily::Gpt2 ? maxPositions * h + 2 * h : h;  // wpe + ln_f, or norm
  if (isClassifier())
    total += static_cast<int64_t>(classLabels.size()) * h;  // score head, no lm_head
  else if (!tieWordEmbeddings)
    total += vocabSize * h;
  return total;
}

nlohmann::json ModelConfig::toJson() const {
  return raw;
}

}  // namespace tunebench
