#include "export/gguf/GgufTokenizer.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench::gguf {

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot open " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Just enough of the protobuf wire format to read a sentencepiece ModelProto.
class ProtoReader {
 public:
  ProtoReader(const std::string& bytes, size_t begin, size_t end, const std::string& file)
      : bytes_(bytes), position_(begin), end_(end), file_(file) {}
  bool atEnd() const { return position_ >= end_; }
  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= end_) fail("a number runs past its message");
      const auto byte = static_cast<uint8_t>(bytes_[position_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    fail("a number longer than 10 bytes");
  }
  // A length-delimited field's byte range.
  std::pair<size_t, size_t> range() {
    const uint64_t length = varint();
    if (length > end_ - position_) fail("a field runs past its message");
    const size_t begin = position_;
    position_ += length;
    return {begin, position_};
  }
  float fixed32() {
    if (end_ - position_ < 4) fail("a float runs past its message");
    float value;
    std::memcpy(&value, bytes_.data() + position_, 4);
    position_ += 4;
    return value;
  }
  void skip(uint32_t wireType) {
    switch (wireType) {
      case 0:
        varint();
        return;
      case 1:
        if (end_ - position_ < 8) fail("a field runs past its message");
        position_ += 8;
        return;
      case 2:
        range();
        return;
      case 5:
        fixed32();
        return;
      default:
        fail("unknown wire type " + std::to_string(wireType));
    }
  }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error("reading " + file_ + ": " + problem + " (not a sentencepiece model?)");
  }

 private:
  const std::string& bytes_;
  size_t position_;
  size_t end_;
  const std::string& file_;
};

struct SentencePieceModel {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<int32_t> types;
  bool addDummyPrefix = true;
  bool removeExtraWhitespaces = true;
};

SentencePieceModel readSentencePieceModel(const fs::path& path) {
  const std::string bytes = readFile(path);
  const std::string file = path.string();
  SentencePieceModel model;
  ProtoReader top(bytes, 0, bytes.size(), file);
  while (!top.atEnd()) {
    const uint64_t key = top.varint();
    const auto field = key >> 3;
    const auto wire = static_cast<uint32_t>(key & 7);
    if ((field == 1 || field == 3) && wire == 2) {
      const auto [begin, end] = top.range();
      ProtoReader inner(bytes, begin, end, file);
      std::string piece;
      float score = 0;
      int32_t type = 1;  // NORMAL, the proto default
      while (!inner.atEnd()) {
        const uint64_t innerKey = inner.varint();
        const auto innerField = innerKey >> 3;
        const auto innerWire = static_cast<uint32_t>(innerKey & 7);
        if (field == 1 && innerField == 1 && innerWire == 2) {
          const auto [b, e] = inner.range();
          piece = bytes.substr(b, e - b);
        } else if (field == 1 && innerField == 2 && innerWire == 5) {
          score = inner.fixed32();
        } else if (field == 1 && innerField == 3 && innerWire == 0) {
          type = static_cast<int32_t>(inner.varint());
        } else if (field == 3 && innerField == 3 && innerWire == 0) {
          model.addDummyPrefix = inner.varint() != 0;
        } else if (field == 3 && innerField == 4 && innerWire == 0) {
          model.removeExtraWhitespaces = inner.varint() != 0;
        } else {
          inner.skip(innerWire);
        }
      }
      if (field == 1) {
        // sentencepiece numbers its piece types as llama.cpp numbers token types.
        if (type < 1 || type > 6) top.fail("piece " + piece + " has type " + std::to_string(type));
        model.pieces.push_back(std::move(piece));
        model.scores.push_back(score);
        model.types.push_back(type);
      }
    } else {
      top.skip(wire);
    }
  }
  if (model.pieces.empty()) top.fail("no pieces");
  return model;
}

std::string mergeText(const nlohmann::json& merge, const std::string& file, size_t index) {
  if (merge.is_string()) return merge.get<std::string>();
  if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string())
    return merge[0].get<std::string>() + " " + merge[1].get<std::string>();
  throw Error("reading " + file + ": model.merges[" + std::to_string(index) +
              "] is neither \"a b\" nor a pair of strings");
}

void collectPreTokenizers(const nlohmann::json& node, std::vector<nlohmann::json>& out) {
  if (node.is_object() && node.value("type", "") == "Sequence" && node.contains("pretokenizers")) {
    for (const auto& child : node["pretokenizers"]) collectPreTokenizers(child, out);
  } else if (!node.is_null()) {
    out.push_back(node);
  }
}

constexpr const char* kQwen2Split =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kLlama3Split =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

}  // namespace

std::string bpePreTokenizerName(const std::string& preTokenizerJson) {
  const auto root = nlohmann::json::parse(preTokenizerJson, nullptr, false);
  std::vector<nlohmann::json> steps;
  collectPreTokenizers(root, steps);
  auto isByteLevel = [](const nlohmann::json& step, bool useRegex) {
    return step.value("type", "") == "ByteLevel" && step.value("use_regex", true) == useRegex &&
           !step.value("add_prefix_space", false);
  };
  if (steps.size() == 1 && isByteLevel(steps[0], true)) return "gpt2";
  if (steps.size() == 2 && isByteLevel(steps[1], false) && steps[0].value("type", "") == "Split" &&
      steps[0].value("behavior", "") == "Isolated" && !steps[0].value("invert", false)) {
    const auto& pattern = steps[0]["pattern"];
    const std::string regex = pattern.is_object() ? pattern.value("Regex", "") : "";
    if (regex == kQwen2Split) return "qwen2";
    if (regex == kLlama3Split) return "llama-bpe";
  }
  throw Error("its pre-tokenizer " + preTokenizerJson.substr(0, 300) +
              " is not one llama.cpp is known to split text with in the same way (known here: "
              "GPT-2's ByteLevel, Qwen2's and Llama 3's split patterns)");
}

std::vector<std::pair<std::string, Value>> tokenizerMetadata(const std::string& modelFolder,
                                                             int64_t vocabSize) {
  const fs::path folder(modelFolder);
  const auto loaded = loadTokenizer(folder);
  const auto& tokenizer = *loaded.tokenizer;
  std::vector<std::pair<std::string, Value>> metadata;
  std::vector<std::string> tokens(static_cast<size_t>(vocabSize));
  std::vector<float> scores(static_cast<size_t>(vocabSize), -1000.0f);
  std::vector<int32_t> types(static_cast<size_t>(vocabSize), int32_t(TokenType::Unused));
  for (int64_t id = 0; id < vocabSize; ++id) tokens[id] = "[PAD" + std::to_string(id) + "]";
  if (tokenizer.vocabSize() > vocabSize)
    throw Error("the tokenizer has " + std::to_string(tokenizer.vocabSize()) +
                " tokens, more than the model's vocab_size " + std::to_string(vocabSize));
  const bool sentencepiece = tokenizer.kind() == "sentencepiece";
  if (sentencepiece) {
    const auto model = readSentencePieceModel(loaded.file);
    if (static_cast<int64_t>(model.pieces.size()) > vocabSize)
      throw Error(loaded.file.string() + " has more pieces than the model's vocab_size");
    for (size_t id = 0; id < model.pieces.size(); ++id) {
      tokens[id] = model.pieces[id];
      scores[id] = model.scores[id];
      types[id] = model.types[id];
    }
    metadata.emplace_back("tokenizer.ggml.model", Value::string("llama"));
    metadata.emplace_back("tokenizer.ggml.add_space_prefix", Value::boolean(model.addDummyPrefix));
    metadata.emplace_back("tokenizer.ggml.remove_extra_whitespaces",
                          Value::boolean(model.removeExtraWhitespaces));
  } else {
    const fs::path file = folder / "tokenizer.json";
    const auto json = nlohmann::json::parse(readFile(file));
    const auto& model = json.at("model");
    if (model.value("type", "") != "BPE")
      throw Error(file.string() + " holds a " + model.value("type", std::string("?")) +
                  " model; only byte-level BPE can be written for llama.cpp");
    const std::string pre = withContext("reading " + file.string(), [&] {
      return bpePreTokenizerName(json.value("pre_tokenizer", nlohmann::json()).dump());
    });
    for (const auto& [token, id] : model.at("vocab").items()) {
      const auto index = id.get<int64_t>();
      if (index < 0 || index >= vocabSize)
        throw Error(file.string() + ": token id " + std::to_string(index) +
                    " is outside the vocab");
      tokens[index] = token;
      types[index] = int32_t(TokenType::Normal);
      scores[index] = 0;
    }
    std::vector<std::string> merges;
    size_t index = 0;
    for (const auto& merge : model.at("merges")) merges.push_back(mergeText(merge, file, index++));
    metadata.emplace_back("tokenizer.ggml.model", Value::string("gpt2"));
    metadata.emplace_back("tokenizer.ggml.pre", Value::string(pre));
    metadata.emplace_back("tokenizer.ggml.merges", Value::strings(merges));
  }
  // Added tokens are matched whole in the text: special ones are control tokens for llama.cpp.
  for (const auto& added : tokenizer.addedTokens()) {
    if (added.id < 0 || added.id >= vocabSize) continue;
    tokens[added.id] = added.content;
    scores[added.id] = 0;
    types[added.id] = int32_t(added.special ? TokenType::Control : TokenType::UserDefined);
  }
  metadata.emplace_back("tokenizer.ggml.tokens", Value::strings(tokens));
  if (sentencepiece) metadata.emplace_back("tokenizer.ggml.scores", Value::float32s(scores));
  metadata.emplace_back("tokenizer.ggml.token_type", Value::int32s(types));

  const auto ids = tokenizer.specialIds();
  auto addId = [&](const char* key, int id) {
    if (id >= 0) metadata.emplace_back(key, Value::uint32(static_cast<uint32_t>(id)));
  };
  addId("tokenizer.ggml.bos_token_id", ids.bos);
  addId("tokenizer.ggml.eos_token_id", ids.eos);
  addId("tokenizer.ggml.unknown_token_id", ids.unk);
  addId("tokenizer.ggml.padding_token_id", ids.pad);
  // What the project's tokenizer does with special tokens, so that both see the same ids.
  const auto plain = tokenizer.encode("a", false);
  const auto special = tokenizer.encode("a", true);
  const bool addsBos = ids.bos >= 0 && special.size() > plain.size() && special.front() == ids.bos;
  const bool addsEos = ids.eos >= 0 && special.size() > plain.size() && special.back() == ids.eos;
  metadata.emplace_back("tokenizer.ggml.add_bos_token", Value::boolean(addsBos));
  metadata.emplace_back("tokenizer.ggml.add_eos_token", Value::boolean(addsEos));
  if (const auto chat = loaded.config.chatTemplate())
    metadata.emplace_back("tokenizer.chat_template", Value::string(*chat));
  return metadata;
}

}  // namespace tunebench::gguf
