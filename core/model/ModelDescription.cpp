#include "model/ModelDescription.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "chat/ChatTemplate.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "jobs/JobContext.h"
#include "model/CheckpointFolder.h"
#include "model/ModelFingerprint.h"
#include "tokenizer/SentencePieceProcessor.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

std::string tokenText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value["content"].is_string())
    return value["content"].get<std::string>();
  return {};
}

// Reads tokenizer_config.json when present; problems in it are reported, not thrown.
nlohmann::json readTokenizerConfig(const fs::path& folder, std::vector<std::string>& problems) {
  const fs::path file = folder / "tokenizer_config.json";
  if (!fs::exists(file)) return nlohmann::json::object();
  try {
    auto json = readJsonFile(file.string());
    if (json.is_object()) return json;
    problems.push_back(file.string() + ": is not a JSON object");
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  return nlohmann::json::object();
}

std::optional<int64_t> idOfText(const nlohmann::json& tokenizerConfig, const std::string& text) {
  if (text.empty() || !tokenizerConfig.contains("added_tokens_decoder")) return std::nullopt;
  const auto& decoder = tokenizerConfig["added_tokens_decoder"];
  if (!decoder.is_object()) return std::nullopt;
  for (const auto& [id, token] : decoder.items())
    if (tokenText(token) == text) {
      try {
        return std::stoll(id);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  return std::nullopt;
}

std::vector<SpecialToken> specialTokens(const fs::path& folder,
                                        const std::optional<ModelConfig>& config,
                                        const nlohmann::json& tokenizerConfig) {
  // A sentencepiece model knows the ids of its own pieces; the problem list already says when
  // the tokenizer is missing, so failing to load it here only leaves ids unknown.
  std::optional<SentencePieceProcessor> pieces;
  if (fs::exists(folder / "tokenizer.model")) {
    try {
      pieces = SentencePieceProcessor::fromFile((folder / "tokenizer.model").string());
    } catch (const std::exception&) {
    }
  }
  std::vector<SpecialToken> tokens;
  for (const std::string role : {"bos", "eos", "pad", "unk"}) {
    SpecialToken token{role, {}, std::nullopt};
    const std::string key = role + "_token";
    if (tokenizerConfig.contains(key)) token.text = tokenText(tokenizerConfig[key]);
    if (config) {
      if (role == "bos") token.id = config->bosTokenId;
      if (role == "eos" && !config->eosTokenIds.empty()) token.id = config->eosTokenIds.front();
      if (role == "pad") token.id = config->padTokenId;
    }
    if (!token.id) token.id = idOfText(tokenizerConfig, token.text);
    if (!token.id && pieces && !token.text.empty()) {
      const int id = pieces->pieceToId(token.text);
      // sentencepiece answers unknown pieces with the unk id; only the unk token itself may.
      if (id >= 0 && (id != pieces->unkId() || role == "unk")) token.id = id;
    }
    if (!token.text.empty() || token.id) tokens.push_back(token);
  }
  return tokens;
}

// What the trainer and the chat front ends will feed the model, shown before anyone trains.
void renderChatSample(const fs::path& folder, ModelDescription& d) {
  d.chatSampleSource = d.hasChatTemplate ? "tokenizer_config.json" : "preset chatml";
  try {
    const auto loaded = loadTokenizer(folder);
    const std::vector<ChatMessage> sample = {{"system", "You are a helpful assistant."},
                                             {"user", "What is 2 plus 3?"},
                                             {"assistant", "5"}};
    d.chatSample = chatTemplateFor(loaded).render(sample, chatOptionsFor(loaded));
  } catch (const std::exception& e) {
    d.chatSample = std::string("cannot render a sample: ") + e.what();
  }
}

// What loading would refuse, found from the weights' headers alone (nothing is allocated): an
// embedding whose rows are not the vocabulary, and more or fewer layers than config.json says.
void checkWeightsAgainstConfig(const CheckpointFolder& checkpoint, const ModelConfig& config,
                               std::vector<std::string>& problems) {
  const bool gpt2 = config.family == ModelFamily::Gpt2;
  const std::string embedding = gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";
  const std::string layerPrefix = gpt2 ? "transformer.h." : "model.layers.";
  int64_t layers = 0;
  for (const auto& fileName : checkpoint.tensorNames()) {
    // A multimodal folder's language model, named as a text model's.
    std::string name = fileName;
    if (!config.languageModelOf.empty()) {
      if (name.rfind("language_model.", 0) == 0) name = name.substr(15);
      if (name.rfind("model.language_model.", 0) == 0) name = "model." + name.substr(21);
    }
    if (name == embedding) {
      const auto& shape = checkpoint.entry(fileName).shape;
      if (!shape.empty() && shape[0] != config.vocabSize)
        problems.push_back(embedding + " has " + std::to_string(shape[0]) +
                           " rows, but config.json's vocab_size is " +
                           std::to_string(config.vocabSize));
    }
    if (name.rfind(layerPrefix, 0) != 0) continue;
    int64_t index = 0;
    const char* begin = name.data() + layerPrefix.size();
    const auto parsed = std::from_chars(begin, name.data() + name.size(), index);
    if (parsed.ec == std::errc() && parsed.ptr != begin) layers = std::max(layers, index + 1);
  }
  if (layers > 0 && layers != config.numLayers)
    problems.push_back("the weights hold " + std::to_string(layers) +
                       " layers, but config.json's " + (gpt2 ? "n_layer" : "num_hidden_layers") +
                       " is " + std::to_string(config.numLayers));
}

}  // namespace

ModelDescription describeModelFolder(const std::string& folderPath, const DescribeOptions& options,
                                     JobContext* context) {
  ModelDescription d;
  d.folder = folderPath;
  const fs::path folder(folderPath);
  if (!fs::is_directory(folder)) {
    d.problems.push_back(folderPath + " is not a folder");
    return d;
  }
  if (context) context->progress(0, 0, "Reading config.json");
  const fs::path configFile = folder / "config.json";
  if (!fs::exists(configFile)) {
    d.problems.push_back(configFile.string() +
                         " is missing: a Hugging Face model folder needs one");
  } else {
    try {
      d.config = loadModelConfig(configFile.string());
    } catch (const std::exception& e) {
      d.problems.push_back(e.what());
    }
  }

  if (context) context->progress(0, 0, "Checking the weights");
  std::vector<std::string> weightFiles;
  try {
    const CheckpointFolder checkpoint(folderPath);
    weightFiles = checkpoint.files();
    d.checkpointFiles = weightFiles.size();
    for (const auto& name : checkpoint.tensorNames()) {
      const auto& entry = checkpoint.entry(name);
      d.dtypeElements[dtypeName(entry.dtype)] += entry.elementCount();
      d.checkpointBytes += entry.end - entry.begin;
    }
    if (d.config) checkWeightsAgainstConfig(checkpoint, *d.config, d.problems);
  } catch (const std::exception& e) {
    d.problems.push_back(e.what());
  }

  if (fs::exists(folder / "tokenizer.json"))
    d.tokenizerType = "tokenizer.json (Hugging Face tokenizers)";
  else if (fs::exists(folder / "tokenizer.model"))
    d.tokenizerType = "tokenizer.model (sentencepiece)";
  else
    d.problems.push_back(folderPath +
                         " has no tokenizer: add tokenizer.model or tokenizer.json from the "
                         "model's original folder");
  const auto tokenizerConfig = readTokenizerConfig(folder, d.problems);
  d.specialTokens = specialTokens(folder, d.config, tokenizerConfig);
  d.hasChatTemplate = tokenizerConfig.contains("chat_template");
  if (!d.tokenizerType.empty()) renderChatSample(folder, d);

  if (options.fingerprint && d.usable()) {
    try {
      d.sha256 = modelFolderFingerprint(folderPath, context);
    } catch (const std::exception& e) {
      d.problems.push_back(e.what());
    }
  }
  return d;
}

}  // namespace tunebench
