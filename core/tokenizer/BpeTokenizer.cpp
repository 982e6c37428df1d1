#include "tokenizer/BpeTokenizer.h"

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

std::unique_ptr<BpeModel> readBpeModel(const JsonNode& model) {
  if (!model.isObject()) model.fail("expected an object");
  const std::string type = model.has("type") ? model.at("type").str() : "BPE";
  if (type != "BPE")
    model.at("type").fail("model type \"" + type + "\" is not supported (supported: BPE)");
  std::unordered_map<std::string, int> vocab;
  const JsonNode vocabNode = model.at("vocab");
  for (const auto& [token, idNode] : vocabNode.members()) {
    const long long id = idNode.integer();
    if (id < 0) idNode.fail("token ids cannot be negative");
    vocab.emplace(token, static_cast<int>(id));
  }
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
    if (dropout->raw().get<double>() != 0.0) dropout->fail("BPE dropout is not supported");
  }
  try {
    return std::make_unique<BpeModel>(std::move(vocab), merges, options);
  } catch (const Error& e) {
    throw Error(model.file() + ": " + model.path() + "." + e.what());
  }
}

}  // namespace

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromFile(const std::string& path,
                                                     const TokenizerConfig* config) {
  const nlohmann::json doc = JsonNode::parseFile(path);
  return fromJson(doc, path, config);
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromJson(const nlohmann::json& doc,
                                                     const std::string& file,
                                                     const TokenizerConfig* config) {
  const JsonNode root(doc, file);
  if (!root.isObject()) root.fail("expected an object");
  std::unique_ptr<BpeTokenizer> t(new BpeTokenizer());
  t->model_ = readBpeModel(root.at("model"));
  if (const auto node = root.find("normalizer")) t->normalizer_ = parseNormalizer(*node);
  if (const auto node = root.find("pre_tokenizer")) t->preTokenizer_ = parsePreTokenizer(*node);
  if (const auto node = root.find("decoder")) t->decoder_ = parseDecoder(*node);
  if (const auto node = root.find("added_tokens")) {
    for (const JsonNode& entry : node->items()) {
      AddedToken token = readAddedTokenObject(entry);
      const long long id = entry.at("id").integer();
      if (id < 0) entry.at("id").fail("token ids cannot be negative");
      token.id = static_cast<int>(id);
      if (t->addedById_.count(token.id))
        entry.at("id").fail("id " + std::to_string(id) + " is used twice");
      t->addedById_[token.id] = t->added_.size();
      t->addedByContent_[token.content] = token.id;
      t->added_.push_back(token);
    }
  }
  if (const auto node = root.find("post_processor")) t->readPostProcessor(*node);
  if (const auto unk = t->model_->options().unkToken) t->special_.unk = t->tokenToId(*unk);
  if (config) t->applyConfig(*config);
  t->rawSplitter_ = std::make_unique<AddedTokenSplitter>(t->added_, false);
  t->normalizedSplitter_ = std::make_unique<AddedTokenSplitter>(t->added_, true);
  return t;
}

void BpeTokenizer::readPostProcessor(const JsonNode& node) {
  const std::string type = node.at("type").str();
  if (type == "ByteLevel") return;  // only adjusts offsets
  if (type == "Sequence") {
    for (const JsonNode& item : node.at("processors").items()) readPostProcessor(item);
    return;
  }
  if (type != "TemplateProcessing")
    node.at("type").fail(
        "post-processor \"" + type +
        "\" is not supported (supported: TemplateProcessing, ByteLevel, Sequence)");
  std::vector<int> prefix, suffix;
  bool seenSequence = false;
  const JsonNode specials = node.at("special_tokens");
  for (const JsonNode& piece : node.at("single").items()) {
    if (piece.has("Sequence")) {
      if (seenSequence) piece.fail("the sequence appears twice");
      seenSequence = true;
      continue;
    }
    if (!piece.has("SpecialToken"))
      piece.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    const std::string name = piece.at("SpecialToken").at("id").str();
    const auto entry = specials.find(name);
    if (!entry) piece.fail("special token \"" + name + "\" is not listed in special_tokens");
    for (const JsonNode& id : entry->at("ids").items()) {
      const long long value = id.integer();
      if (value < 0) id.fail("token ids cannot be negative");
      (seenSequence ? suffix : prefix).push_back(static_cast<int>(value));
    }
  }
  if (!seenSequence) node.at("single").fail("the template has no {\"Sequence\": ...}");
  prefix_ = prefix;
  suffix_ = suffix;
  if (!prefix_.empty()) special_.bos = prefix_.front();
  if (!suffix_.empty()) special_.eos = suffix_.back();
}

void BpeTokenizer::applyConfig(const TokenizerConfig& config) {
  for (const AddedToken& token : config.addedTokens) {
    if (addedById_.count(token.id)) continue;  // tokenizer.json already says
    addedById_[token.id] = added_.size();
    addedByContent_[token.content] = token.id;
    added_.push_back(token);
  }
  auto roleId = [&](const std::optional<std::string>& token, const char* key) {
    if (!token) return -1;
    const int id = tokenToId(*token);
    if (id < 0)
      throw Error("tokenizer_config.json: " + std::string(key) + ": \"" + *token +
                  "\" is not a token of tokenizer.json");
    return id;
  };
  if (config.bosToken) special_.bos = roleId(config.bosToken, "bos_token");
  if (config.eosToken) special_.eos = roleId(config.eosToken, "eos_token");
  if (config.padToken) special_.pad = roleId(config.padToken, "pad_token");
  if (config.unkToken) special_.unk = roleId(config.unkToken, "unk_token");
  // An explicit add_bos_token/add_eos_token rebuilds the template, as the Llama fast tokenizer
  // does.
  if (config.addBosToken || config.addEosToken) {
    prefix_.clear();
    suffix_.clear();
    if (config.addBosToken.value_or(false)) {
      if (special_.bos < 0)
        throw Error("tokenizer_config.json: add_bos_token is true but there is no bos_token");
      prefix_.push_back(special_.bos);
    }
    if (config.addEosToken.value_or(false)) {
      if (special_.eos < 0)
        throw Error("tokenizer_config.json: add_eos_token is true but there is no eos_token");
      suffix_.push_back(special_.eos);
    }
  }
}

std::vector<InputSegment> BpeTokenizer::segments(const std::string& text) const {
  const size_t bad = findInvalidUtf8(text);
  if (bad != std::string::npos)
    throw Error("encoding text: invalid UTF-8 at byte " + std::to_string(bad));
  std::vector<InputSegment> out;
  for (const InputSegment& raw : rawSplitter_->split(text)) {
    if (raw.tokenId >= 0) {
      out.push_back(raw);
      continue;
    }
    const std::string normalized = normalize(normalizer_, raw.text);
    // Offsets into the input survive normalization only when it changed nothing.
    const bool unchanged = normalized == raw.text;
    for (const InputSegment& part : normalizedSplitter_->split(normalized, raw.offset)) {
      if (part.tokenId >= 0) {
        InputSegment token = part;
        token.exact = unchanged;
        out.push_back(std::move(token));
        continue;
      }
      PreToken start{part.text, raw.offset == 0 && part.offset == raw.offset};
      start.offset = part.offset;
      start.exact = unchanged;
      for (PreToken& piece : preTokenize(preTokenizer_, {std::move(start)})) {
        InputSegment segment{std::move(piece.text), -1, piece.offset};
        segment.exact = piece.exact;
        segment.byteMapped = piece.byteMapped;
        segment.synthetic = piece.synthetic;
        out.push_back(std::move(segment));
      }
    }
  }
  return out;
}

std::vector<std::string> BpeTokenizer::preTokens(const std::string& text) const {
  std::vector<std::string> out;
  for (auto& segment : segments(text)) out.push_back(std::move(segment.text));
  return out;
}

std::vector<int> BpeTokenizer::encode(const std::string& text, bool addSpecial) const {
  std::vector<int> ids;
  if (addSpecial) ids = prefix_;
  for (const InputSegment& segment : segments(text)) {
    if (segment.tokenId >= 0) {
      ids.push_back(segment.tokenId);
      continue;
    }
    const auto word = model_->encodeWord(segment.text);
    ids.insert(ids.end(), word.begin(), word.end());
  }
  if (addSpecial) ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  return ids;
}

TokenOffsets BpeTokenizer::encodeWithOffsets(const std::string& text, bool addSpecial) const {
  TokenOffsets result;
  auto add = [&](int id, size_t begin, size_t end) {
    result.ids.push_back(id);
    result.offsets.emplace_back(begin, end);
  };
  if (addSpecial)
    for (int id : prefix_) add(id, 0, 0);
  for (const InputSegment& segment : segments(text)) {
    if (!segment.exact || (segment.tokenId < 0 && !segment.byteMapped))
      throw Error(
          "token offsets need a byte-level tokenizer whose normalizer leaves the text "
          "unchanged (byte " +
          std::to_string(segment.offset) + ")");
    if (segment.tokenId >= 0) {
      add(segment.tokenId, segment.offset, segment.offset + segment.length);
      continue;
    }
    // Each code point of a byte-level token stands for one input byte; an inserted leading
    // space stands for none.
    size_t position = segment.offset;
    size_t inserted = segment.synthetic ? 1 : 0;
    for (int id : model_->encodeWord(segment.text)) {
      size_t bytes = utf8ToCodePoints(*model_->idToToken(id)).size();
      const size_t skip = std::min(inserted, bytes);
      inserted -= skip;
      bytes -= skip;
      add(id, position, position + bytes);
      position += bytes;
    }
  }
  if (addSpecial)
    for (int id : suffix_) add(id, text.size(), text.size());
  return result;
}

std::string BpeTokenizer::decode(const std::vector<int>& ids, bool skipSpecial) const {
  // Added tokens are written as they are; runs of model tokens go through the decoder.
  std::string out;
  std::vector<std::string> run;
  auto flush = [&] {
    if (!run.empty()) out += decodeTokens(decoder_, std::move(run));
    run.clear();
  };
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto added = addedById_.find(ids[i]);
    if (added != addedById_.end()) {
      flush();
      const AddedToken& token = added_[added->second];
      if (!(skipSpecial && token.special)) out += token.content;
      continue;
    }
    const std::string* token = model_->idToToken(ids[i]);
    if (!token)
      throw Error("decoding: ids[" + std::to_string(i) + "] = " + std::to_string(ids[i]) +
                  " is not a token id (vocabulary size " + std::to_string(vocabSize()) + ")");
    run.push_back(*token);
  }
  flush();
  return out;
}

std::string BpeTokenizer::idToToken(int id) const {
  const auto added = addedById_.find(id);
  if (added != addedById_.end()) return added_[added->second].content;
  const std::string* token = model_->idToToken(id);
  if (!token) throw Error("token id " + std::to_string(id) + " is not in the vocabulary");
  return *token;
}

int BpeTokenizer::tokenToId(const std::string& token) const {
  const auto added = addedByContent_.find(token);
  if (added != addedByContent_.end()) return added->second;
  return model_->tokenToId(token);
}

int BpeTokenizer::vocabSize() const {
  int top = model_->maxId();
  for (const auto& token : added_) top = std::max(top, token.id);
  return top + 1;
}

}  // namespace tunebench
