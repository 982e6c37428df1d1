// readTokenizerModel: the BPE, Unigram and WordPiece forms of tokenizer.json's "model".
#include <cstdio>
#include <limits>

#include "common/Error.h"
#include "tokenizer/BpeModel.h"
#include "tokenizer/JsonNode.h"
#include "tokenizer/TokenizerModel.h"
#include "tokenizer/UnigramModel.h"
#include "tokenizer/WordPieceModel.h"

namespace tunebench {

namespace {

std::unordered_map<std::string, int> readVocabObject(const JsonNode& vocabNode) {
  std::unordered_map<std::string, int> vocab;
  for (const auto& [token, idNode] : vocabNode.members()) {
    const long long id = idNode.integer();
    if (id < 0) idNode.fail("token ids cannot be negative");
    if (id > std::numeric_limits<int>::max()) idNode.fail("token id is too large");
    vocab.emplace(token, static_cast<int>(id));
  }
  return vocab;
}

// Errors thrown by a model's constructor name the JSON path of the model.
template <typename Make>
auto withModelContext(const JsonNode& model, Make make) {
  try {
    return make();
  } catch (const Error& e) {
    throw Error(model.file() + ": " + model.path() + "." + e.what());
  }
}

std::unique_ptr<TokenizerModel> readBpe(const JsonNode& model) {
  std::unordered_map<std::string, int> vocab = readVocabObject(model.at("vocab"));
  std::vector<BpeModel::Merge> merges;
  const JsonNode mergesNode = model.at("merges");
  for (const JsonNode& merge : mergesNode.items()) {
    if (merge.isString()) {
      // "left right": the pieces never contain a space (byte-level maps it to U+0120).
      const std::string text = merge.str();
      const size_t space = text.find(' ');
      if (space == std::string::npos || space == 0 || space + 1 >= text.size() ||
          text.find(' ', space + 1) != std::string::npos)
        merge.fail("expected \"left right\" with exactly one space");
      merges.emplace_back(text.substr(0, space), text.substr(space + 1));
    } else if (merge.isArray()) {
      if (merge.size() != 2) merge.fail("expected a pair [left, right]");
      std::string left = merge.at(0).str();  // checked first, so errors name [0] before [1]
      merges.emplace_back(std::move(left), merge.at(1).str());
    } else {
      merge.fail("expected a string \"left right\" or a pair [left, right]");
    }
  }
  BpeOptions options;
  if (const auto unk = model.find("unk_token")) options.unkToken = unk->str();
  options.continuingSubwordPrefix = model.strOr("continuing_subword_prefix", "");
  options.endOfWordSuffix = model.strOr("end_of_word_suffix", "");
  options.fuseUnk = model.boolOr("fuse_unk", false);
  options.byteFallback = model.boolOr("byte_fallback", false);
  options.ignoreMerges = model.boolOr("ignore_merges", false);
  if (const auto dropout = model.find("dropout")) {
    if (!dropout->raw().is_number()) dropout->fail("expected a number or null");
    // Dropout samples merges away, for training a model robust to segmentation; encoding for
    // fine-tuning and inference uses the deterministic merges.
    if (dropout->raw().get<double>() != 0.0)
      dropout->fail(
          "BPE dropout is not supported (it is a training-time option: set it to null or 0)");
  }
  return withModelContext(
      model, [&] { return std::make_unique<BpeModel>(std::move(vocab), merges, options); });
}

std::unique_ptr<TokenizerModel> readUnigram(const JsonNode& model) {
  std::vector<std::pair<std::string, double>> pieces;
  for (const JsonNode& entry : model.at("vocab").items()) {
    if (!entry.isArray() || entry.size() != 2) entry.fail("expected a pair [piece, score]");
    std::string piece = entry.at(0).str();
    const JsonNode score = entry.at(1);
    if (!score.raw().is_number()) score.fail("expected a number");
    pieces.emplace_back(std::move(piece), score.raw().get<double>());
  }
  std::optional<int> unkId;
  if (const auto unk = model.find("unk_id")) {
    const long long id = unk->integer();
    if (id < 0 || id >= static_cast<long long>(pieces.size()))
      unk->fail("unk_id " + std::to_string(id) + " is outside the vocabulary (size " +
                std::to_string(pieces.size()) + ")");
    unkId = static_cast<int>(id);
  }
  const bool byteFallback = model.boolOr("byte_fallback", false);
  return withModelContext(model, [&] {
    return std::make_unique<UnigramModel>(std::move(pieces), unkId, byteFallback);
  });
}

std::unique_ptr<TokenizerModel> readWordPiece(const JsonNode& model) {
  std::unordered_map<std::string, int> vocab = readVocabObject(model.at("vocab"));
  const std::string unk = model.strOr("unk_token", "[UNK]");
  const std::string prefix = model.strOr("continuing_subword_prefix", "##");
  long long maxChars = 100;
  if (const auto node = model.find("max_input_chars_per_word")) {
    maxChars = node->integer();
    if (maxChars < 0) node->fail("must not be negative");
  }
  return withModelContext(model, [&] {
    return std::make_unique<WordPieceModel>(std::move(vocab), unk, prefix,
                                            static_cast<size_t>(maxChars));
  });
}

}  // namespace

std::optional<std::vector<int>> TokenizerModel::byteTokens(const std::string& piece) const {
  std::vector<int> bytes;
  for (unsigned char c : piece) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", c);
    const int id = tokenToId(name);
    if (id < 0) return std::nullopt;
    bytes.push_back(id);
  }
  return bytes;
}

std::unique_ptr<TokenizerModel> readTokenizerModel(const JsonNode& model) {
  if (!model.isObject()) model.fail("expected an object");
  std::string type;
  if (model.has("type"))
    type = model.at("type").str();
  else  // files written before "type" was serialised: Unigram's vocab is a list of pairs
    type = model.has("vocab") && model.at("vocab").isArray() ? "Unigram" : "BPE";
  if (type == "BPE") return readBpe(model);
  if (type == "Unigram") return readUnigram(model);
  if (type == "WordPiece") return readWordPiece(model);
  model.at("type").fail("model type \"" + type +
                        "\" is not supported (supported: BPE, Unigram, WordPiece)");
}

}  // namespace tunebench
