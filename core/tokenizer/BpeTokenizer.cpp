#include "tokenizer/BpeTokenizer.h"

#include <algorithm>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

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
  t->model_ = readTokenizerModel(root.at("model"));
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
  if (const auto unk = t->model_->unkToken()) t->special_.unk = t->tokenToId(*unk);
  if (config) t->applyConfig(*config);
  t->rawSplitter_ = std::make_unique<AddedTokenSplitter>(t->added_, false);
  // Tokens with "normalized": true are looked for in the normalized text, in their normalized
  // form (as the Python library does).
  std::vector<AddedToken> normalizedForms = t->added_;
  for (AddedToken& token : normalizedForms)
    if (token.normalized) token.content = normalize(t->normalizer_, token.content);
  t->normalizedSplitter_ = std::make_unique<AddedTokenSplitter>(normalizedForms, true);
  return t;
}

void BpeTokenizer::readPostProcessor(const JsonNode& node) {
  const auto parsed = parsePostProcessor(node);
  if (!parsed) return;
  singleTemplate_ = parsed->single;
  pairTemplate_ = parsed->pair;
  // The special tokens before and after the sequence in the single template.
  prefix_.clear();
  suffix_.clear();
  bool afterSequence = false;
  for (const TemplatePart& part : singleTemplate_) {
    if (part.sequence >= 0) {
      afterSequence = true;
      continue;
    }
    auto& side = afterSequence ? suffix_ : prefix_;
    side.insert(side.end(), part.ids.begin(), part.ids.end());
  }
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

std::vector<int> BpeTokenizer::encodeSequence(const std::string& text) const {
  std::vector<int> ids;
  for (const InputSegment& segment : segments(text)) {
    if (segment.tokenId >= 0) {
      ids.push_back(segment.tokenId);
      continue;
    }
    const auto word = model_->encodeWord(segment.text);
    ids.insert(ids.end(), word.begin(), word.end());
  }
  return ids;
}

std::vector<int> BpeTokenizer::encode(const std::string& text, bool addSpecial) const {
  std::vector<int> ids;
  if (addSpecial) ids = prefix_;
  const auto body = encodeSequence(text);
  ids.insert(ids.end(), body.begin(), body.end());
  if (addSpecial) ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  return ids;
}

TypedEncoding BpeTokenizer::encodeTyped(const std::string& a, const std::string* b,
                                        bool addSpecial) const {
  TypedEncoding result;
  const std::vector<int> first = encodeSequence(a);
  if (!b) {
    // The single template's type ids, around the special tokens tokenizer_config.json may
    // have rebuilt (those take type id 0).
    int typeId = 0;
    for (const TemplatePart& part : singleTemplate_)
      if (part.sequence == 0) typeId = part.typeId;
    if (addSpecial) result.ids = prefix_;
    result.ids.insert(result.ids.end(), first.begin(), first.end());
    if (addSpecial) result.ids.insert(result.ids.end(), suffix_.begin(), suffix_.end());
    result.typeIds.assign(result.ids.size(), 0);
    const size_t start = addSpecial ? prefix_.size() : 0;
    std::fill(result.typeIds.begin() + static_cast<std::ptrdiff_t>(start),
              result.typeIds.begin() + static_cast<std::ptrdiff_t>(start + first.size()), typeId);
    return result;
  }
  const std::vector<int> second = encodeSequence(*b);
  if (!pairTemplate_) {
    if (!singleTemplate_.empty())
      throw Error("encoding a pair of texts: the tokenizer's post-processor has no pair template");
    // No post-processor: the two sequences one after the other, the second with type id 1.
    result.ids = first;
    result.ids.insert(result.ids.end(), second.begin(), second.end());
    result.typeIds.assign(first.size(), 0);
    result.typeIds.insert(result.typeIds.end(), second.size(), 1);
    return result;
  }
  applyTemplate(*pairTemplate_, first, &second, addSpecial, result.ids, result.typeIds);
  return result;
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
  // As the Python library: the tokens, added ones included (special ones left out when asked),
  // go through the decoder as one list.
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto added = addedById_.find(ids[i]);
    if (added != addedById_.end()) {
      const AddedToken& token = added_[added->second];
      if (!(skipSpecial && token.special)) tokens.push_back(token.content);
      continue;
    }
    const std::string* token = model_->idToToken(ids[i]);
    if (!token)
      throw Error("decoding: ids[" + std::to_string(i) + "] = " + std::to_string(ids[i]) +
                  " is not a token id (vocabulary size " + std::to_string(vocabSize()) + ")");
    tokens.push_back(*token);
  }
  if (decoder_.empty()) {  // no decoder: the tokens joined by spaces, as the Python library
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return toValidUtf8Lossy(out);
  }
  return decodeTokens(decoder_, std::move(tokens));
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
