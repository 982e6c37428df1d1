#include "model/ModelFactory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "chat/ChatPresets.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "data/SyntheticCorpus.h"
#include "jobs/JobContext.h"
#include "model/ModelFolder.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/SentencePieceModule.h"
#include "tokenizer/SentencePieceProcessor.h"
#include "tokenizer/TokenizerLoader.h"

#include <sstream>

namespace tunebench {

namespace fs = std::filesystem;

namespace {

struct PresetShape {
  int64_t hidden, intermediate, layers, heads, kvHeads, positions, vocab;  // vocab 0: tokenizer's
  int64_t tokenizerVocab;
};

PresetShape presetShape(const std::string& architecture, const std::string& preset) {
  const bool gpt2 = architecture == "gpt2";
  if (preset == "tiny") return {64, gpt2 ? 256 : 176, 2, 4, gpt2 ? 4 : 2, 256, 0, 320};
  // The shape of the starter model (core/demo/StarterModel): about 2 M parameters.
  if (preset == "starter") return {192, gpt2 ? 768 : 512, 4, 6, gpt2 ? 6 : 2, 256, 0, 1000};
  if (preset == "small") return {256, gpt2 ? 1024 : 688, 4, 8, gpt2 ? 8 : 4, 512, 0, 1000};
  if (preset == "135m") {
    if (gpt2) return {768, 3072, 12, 12, 12, 1024, 50257, 1000};  // GPT-2 small
    return {576, 1536, 30, 9, 3, 2048, 49152, 1000};              // SmolLM-135M shape
  }
  throw Error("unknown model preset '" + preset + "' (tiny, starter, small, 135m)");
}

void writeText(const fs::path& path, const std::string& text) {
  writeFileAtomically(path, text);
}

// Trains a sentencepiece tokenizer (Llama-style ids: <unk>=0, <s>=1, </s>=2) on generated text.
int64_t writeSentencePieceTokenizer(const fs::path& folder, int64_t vocab, uint64_t seed,
                                    int64_t maxPositions) {
  const fs::path corpus = folder / "tokenizer-corpus.txt.partial";
  writeText(corpus, generateSyntheticCorpus(seed, 300000));
  const fs::path prefix = folder / "tokenizer";
  trainSentencePiece("--input=" + corpus.string() + " --model_prefix=" + prefix.string() +
                     " --vocab_size=" + std::to_string(vocab) +
                     " --model_type=bpe --character_coverage=1.0 --byte_fallback=true"
                     " --split_digits=true --num_threads=1 --minloglevel=2 --hard_vocab_limit=false"
                     " --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1");
  fs::remove(corpus);
  fs::remove(folder / "tokenizer.vocab");
  const auto tokenizer = SentencePieceProcessor::fromFile((folder / "tokenizer.model").string());
  const nlohmann::json config{{"tokenizer_class", "LlamaTokenizer"},
                              {"add_bos_token", true},
                              {"add_eos_token", false},
                              {"bos_token", "<s>"},
                              {"eos_token", "</s>"},
                              {"unk_token", "<unk>"},
                              {"pad_token", nullptr},
                              {"model_max_length", maxPositions},
                              {"legacy", false}};
  writeText(folder / "tokenizer_config.json", config.dump(2) + "\n");
  return tokenizer.vocabSize();
}

struct BpeTokenizerIds {
  int64_t vocab = 0;
  int64_t bos = -1, eos = -1;
};

// GPT-2, Qwen2 and Qwen3 ship byte-level BPE tokenizers (tokenizer.json); their models get one
// trained the same way, with the family's pre-tokenizer and special tokens (Qwen: ChatML template).
BpeTokenizerIds writeBpeTokenizer(const fs::path& folder, const std::string& architecture,
                                  int64_t vocab, uint64_t seed, int64_t maxPositions) {
  std::vector<std::string> texts;
  std::istringstream corpus(generateSyntheticCorpus(seed, 300000));
  for (std::string line; std::getline(corpus, line);) texts.push_back(line + "\n");
  BpeTrainerOptions options;
  options.vocabSize = static_cast<int>(vocab);
  options.modelMaxLength = maxPositions;
  options.eosToken = "<|endoftext|>";
  if (architecture == "gpt2") {
    options.style = BpeTrainerOptions::Style::Gpt2;
    options.specialTokens = {"<|endoftext|>"};
    options.bosToken = "<|endoftext|>";
  } else {
    options.style = BpeTrainerOptions::Style::Qwen2;
    options.specialTokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    options.padToken = "<|endoftext|>";
    options.chatTemplate = chatPresetSource("chatml");
  }
  writeTokenizerFiles(trainByteLevelBpe(texts, options), folder);
  const auto loaded = loadTokenizer(folder);
  BpeTokenizerIds ids;
  ids.vocab = loaded.tokenizer->vocabSize();
  ids.eos = loaded.tokenizer->tokenToId("<|endoftext|>");
  ids.bos = ids.eos;  // both families name <|endoftext|> as BOS in config.json
  return ids;
}

bool usesBpeTokenizer(const std::string& architecture) {
  return architecture == "gpt2" || architecture == "qwen2" || architecture == "qwen3";
}

}  // namespace

const std::vector<std::string>& makeModelArchitectures() {
  static const std::vector<std::string> names = {"llama",   "mistral", "qwen2", "qwen3",
                                                 "smollm3", "olmo2",   "gemma", "gemma2",
                                                 "gemma3",  "phi3",    "gpt2"};
  return names;
}

const std::vector<std::string>& makeModelPresets() {
  static const std::vector<std::string> names = {"tiny", "starter", "small", "135m"};
  return names;
}

nlohmann::json presetConfig(const std::string& architecture, const std::string& preset,
                            int64_t tokenizerVocab) {
  const auto shape = presetShape(architecture, preset);
  const int64_t vocab = shape.vocab ? shape.vocab : tokenizerVocab;
  if (architecture == "gpt2")
    return {{"architectures", {"GPT2LMHeadModel"}},
            {"model_type", "gpt2"},
            {"vocab_size", vocab},
            {"n_embd", shape.hidden},
            {"n_layer", shape.layers},
            {"n_head", shape.heads},
            {"n_positions", shape.positions},
            {"n_inner", shape.intermediate},
            {"activation_function", "gelu_new"},
            {"layer_norm_epsilon", 1e-5},
            {"bos_token_id", 1},
            {"eos_token_id", 2},
            {"tie_word_embeddings", true},
            {"torch_dtype", "float32"}};
  nlohmann::json config{{"vocab_size", vocab},
                        {"hidden_size", shape.hidden},
                        {"intermediate_size", shape.intermediate},
                        {"num_hidden_layers", shape.layers},
                        {"num_attention_heads", shape.heads},
                        {"num_key_value_heads", shape.kvHeads},
                        {"max_position_embeddings", shape.positions},
                        {"rms_norm_eps", 1e-5},
                        {"rope_theta", 10000.0},
                        {"hidden_act", "silu"},
                        {"tie_word_embeddings", preset == "135m"},
                        {"bos_token_id", 1},
                        {"eos_token_id", 2},
                        {"torch_dtype", "float32"}};
  if (architecture == "llama") {
    config["architectures"] = {"LlamaForCausalLM"};
    config["model_type"] = "llama";
  } else if (architecture == "mistral") {
    config["architectures"] = {"MistralForCausalLM"};
    config["model_type"] = "mistral";
    config["sliding_window"] = shape.positions / 4;
  } else if (architecture == "qwen2") {
    config["architectures"] = {"Qwen2ForCausalLM"};
    config["model_type"] = "qwen2";
    config["use_sliding_window"] = false;
  } else if (architecture == "qwen3") {
    config["architectures"] = {"Qwen3ForCausalLM"};
    config["model_type"] = "qwen3";
    config["use_sliding_window"] = false;
    config["attention_bias"] = false;
    config["rms_norm_eps"] = 1e-6;
    config["rope_theta"] = 1000000.0;
    // Qwen3 names the head size; it need not be hidden_size / heads.
    config["head_dim"] = shape.hidden / shape.heads;
  } else if (architecture == "smollm3") {
    config["architectures"] = {"SmolLM3ForCausalLM"};
    config["model_type"] = "smollm3";
    config["use_sliding_window"] = false;
    config["attention_bias"] = false;
    config["tie_word_embeddings"] = true;
    // Every fourth layer without positions, as SmolLM3 does; a model of fewer layers has its last
    // one without, so that both kinds of layer are there.
    nlohmann::json ropeLayers = nlohmann::json::array();
    for (int64_t i = 0; i < shape.layers; ++i)
      ropeLayers.push_back((i + 1) % 4 != 0 && !(shape.layers < 4 && i + 1 == shape.layers) ? 1
                                                                                            : 0);
    config["no_rope_layers"] = ropeLayers;
  } else if (architecture == "olmo2") {
    config["architectures"] = {"Olmo2ForCausalLM"};
    config["model_type"] = "olmo2";
    config["attention_bias"] = false;
    config["rms_norm_eps"] = 1e-6;
    config["rope_theta"] = 500000.0;
  } else if (architecture == "gemma" || architecture == "gemma2" || architecture == "gemma3") {
    static const std::map<std::string, std::pair<const char*, const char*>> names = {
        {"gemma", {"GemmaForCausalLM", "gemma"}},
        {"gemma2", {"Gemma2ForCausalLM", "gemma2"}},
        {"gemma3", {"Gemma3ForCausalLM", "gemma3_text"}}};
    const auto& [className, modelType] = names.at(architecture);
    config["architectures"] = {className};
    config["model_type"] = modelType;
    config["hidden_act"] = "gelu_pytorch_tanh";
    config["hidden_activation"] = "gelu_pytorch_tanh";
    config["head_dim"] = shape.hidden / shape.heads;
    config["rms_norm_eps"] = 1e-6;
    config["tie_word_embeddings"] = true;
    config["attention_bias"] = false;
    if (architecture != "gemma") {
      config["query_pre_attn_scalar"] = shape.hidden / shape.heads;
      config["sliding_window"] = shape.positions / 4;
    }
    if (architecture == "gemma2") {
      config["attn_logit_softcapping"] = 50.0;
      config["final_logit_softcapping"] = 30.0;
    }
    if (architecture == "gemma3") {
      config["rope_theta"] = 1000000.0;
      config["rope_local_base_freq"] = 10000.0;
      config["sliding_window_pattern"] = 6;
      config["attn_logit_softcapping"] = nullptr;
      config["final_logit_softcapping"] = nullptr;
    }
  } else if (architecture == "phi3") {
    config["architectures"] = {"Phi3ForCausalLM"};
    config["model_type"] = "phi3";
    config["attention_bias"] = false;
    config["sliding_window"] = nullptr;
    // As Phi-4-mini: three quarters of each head rotates, with LongRope beyond half the context.
    config["partial_rotary_factor"] = 0.75;
    const int64_t rotated = static_cast<int64_t>(0.75 * double(shape.hidden / shape.heads)) / 2 * 2;
    nlohmann::json shortFactor = nlohmann::json::array(), longFactor = nlohmann::json::array();
    for (int64_t i = 0; i < rotated / 2; ++i) {
      shortFactor.push_back(1.0);
      longFactor.push_back(1.0 + 3.0 * double(i) / double(std::max<int64_t>(1, rotated / 2 - 1)));
    }
    config["original_max_position_embeddings"] = shape.positions / 2;
    config["rope_scaling"] = {
        {"type", "longrope"}, {"short_factor", shortFactor}, {"long_factor", longFactor}};
  } else {
    throw Error("unknown architecture '" + architecture +
                "' (llama, mistral, qwen2, qwen3, smollm3, olmo2, gemma, gemma2, gemma3, phi3, "
                "gpt2)");
  }
  return config;
}

void makeRandomModel(const MakeModelOptions& options, JobContext* context) {
  if (options.folder.empty()) throw Error("make-model needs an output folder");
  const auto shape = presetShape(options.architecture, options.preset);
  presetConfig(options.architecture, options.preset, 1);  // validates the architecture name
  const fs::path folder(options.folder);
  const bool madeFolder = !fs::exists(folder);
  fs::create_directories(folder);
  constexpr int64_t kPhases = 4;
  // True (after cleaning up) when the job was canceled: the trainer cannot be interrupted, so
  // cancellation is honoured between phases.
  auto canceledAt = [&](int64_t phase, const std::string& text) {
    if (!context) return false;
    if (context->isCanceled()) {
      std::error_code ignored;
      if (madeFolder) {
        fs::remove_all(folder, ignored);
      } else {
        for (const char* name : {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                 "tokenizer-corpus.txt.partial", "tokenizer.vocab"})
          fs::remove(folder / name, ignored);
      }
      return true;
    }
    context->progress(phase, kPhases, text);
    return false;
  };
  if (canceledAt(0, "Training the tokenizer")) return;
  int64_t tokenizerVocab = 0;
  BpeTokenizerIds bpe;
  if (usesBpeTokenizer(options.architecture)) {
    bpe = writeBpeTokenizer(folder, options.architecture, shape.tokenizerVocab, options.seed,
                            shape.positions);
    tokenizerVocab = bpe.vocab;
  } else {
    tokenizerVocab =
        writeSentencePieceTokenizer(folder, shape.tokenizerVocab, options.seed, shape.positions);
  }
  if (canceledAt(1, "Building the model")) return;
  auto configJson = presetConfig(options.architecture, options.preset, tokenizerVocab);
  if (bpe.eos >= 0) {
    configJson["bos_token_id"] = bpe.bos;
    configJson["eos_token_id"] = bpe.eos;
  }
  auto config = parseModelConfig(configJson.dump(), (folder / "config.json").string());
  if (!options.classLabels.empty()) {
    if (options.classLabels.size() < 2) throw Error("a classifier needs at least two labels");
    config.makeClassifier(options.classLabels);
  }
  auto model = buildCausalLM(config);
  if (canceledAt(2, "Initialising the weights")) return;
  initializeWeights(*model, options.seed);
  if (canceledAt(3, "Writing the model folder")) return;
  saveModelFolder(*model, folder.string());
  if (context) context->progress(kPhases, kPhases, "Model written");
}

}  // namespace tunebench
