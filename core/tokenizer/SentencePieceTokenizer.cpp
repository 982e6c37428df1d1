#include "tokenizer/SentencePieceTokenizer.h"

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

SentencePieceTokenizer::SentencePieceTokenizer(SentencePieceProcessor processor,
                                               const TokenizerConfig* config)
    : processor_(std::move(processor)) {
  special_.bos = processor_.bosId();
  special_.eos = processor_.eosId();
  special_.unk = processor_.unkId();
  special_.pad = processor_.padId();
  // The model's control pieces are special tokens that may appear in text.
  for (int id : {special_.bos, special_.eos, special_.pad}) {
    if (id < 0 || addedById_.count(id)) continue;
    AddedToken token;
    token.id = id;
    token.content = processor_.idToPiece(id);
    token.special = true;
    addedById_[id] = added_.size();
    added_.push_back(token);
  }
  if (config) {
    for (const AddedToken& token : config->addedTokens) {
      const auto known = addedById_.find(token.id);
      if (known != addedById_.end()) {
        added_[known->second] = token;
        continue;
      }
      if (token.id < processor_.vocabSize() && processor_.idToPiece(token.id) != token.content)
        throw Error("tokenizer_config.json: added_tokens_decoder." + std::to_string(token.id) +
                    ": \"" + token.content + "\" does not match the model's piece \"" +
                    processor_.idToPiece(token.id) + "\"");
      addedById_[token.id] = added_.size();
      added_.push_back(token);
    }
    auto roleId = [&](const std::optional<std::string>& token, const char* key, int fallback) {
      if (!token) return fallback;
      const int id = tokenToId(*token);
      if (id < 0)
        throw Error("tokenizer_config.json: " + std::string(key) + ": \"" + *token +
                    "\" is not a piece of tokenizer.model");
      return id;
    };
    special_.bos = roleId(config->bosToken, "bos_token", special_.bos);
    special_.eos = roleId(config->eosToken, "eos_token", special_.eos);
    special_.pad = roleId(config->padToken, "pad_token", special_.pad);
    special_.unk = roleId(config->unkToken, "unk_token", special_.unk);
    addBos_ = config->addBosToken.value_or(true);
    addEos_ = config->addEosToken.value_or(false);
  }
  // Added tokens are matched in the raw text whatever their normalized flag says.
  std::vector<AddedToken> matchable = added_;
  for (auto& token : matchable) token.normalized = false;
  splitter_ = std::make_unique<AddedTokenSplitter>(matchable, false);
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::fromFile(
    const std::string& path, const TokenizerConfig* config) {
  return std::make_unique<SentencePieceTokenizer>(SentencePieceProcessor::fromFile(path), config);
}

std::vector<int> SentencePieceTokenizer::encode(const std::string& text, bool addSpecial) const {
  const size_t bad = findInvalidUtf8(text);
  if (bad != std::string::npos)
    throw Error("encoding text: invalid UTF-8 at byte " + std::to_string(bad));
  std::vector<int> ids;
  if (addSpecial && addBos_ && special_.bos >= 0) ids.push_back(special_.bos);
  for (const InputSegment& segment : splitter_->split(text)) {
    if (segment.tokenId >= 0) {
      ids.push_back(segment.tokenId);
      continue;
    }
    const auto part = processor_.encode(segment.text);
    ids.insert(ids.end(), part.begin(), part.end());
  }
  if (addSpecial && addEos_ && special_.eos >= 0) ids.push_back(special_.eos);
  return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int>& ids, bool skipSpecial) const {
  std::string out;
  std::vector<int> run;
  auto flush = [&] {
    if (!run.empty()) out += processor_.decode(run);
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
    if (ids[i] < 0 || ids[i] >= processor_.vocabSize())
      throw Error("decoding: ids[" + std::to_string(i) + "] = " + std::to_string(ids[i]) +
                  " is not a token id (vocabulary size " + std::to_string(vocabSize()) + ")");
    run.push_back(ids[i]);
  }
  flush();
  return out;
}

std::string SentencePieceTokenizer::idToToken(int id) const {
  const auto added = addedById_.find(id);
  if (added != addedById_.end()) return added_[added->second].content;
  return processor_.idToPiece(id);
}

int SentencePieceTokenizer::tokenToId(const std::string& token) const {
  for (const auto& added : added_)
    if (added.content == token) return added.id;
  const int id = processor_.pieceToId(token);
  // sentencepiece answers the unknown id for pieces it does not have.
  if (id == processor_.unkId() && processor_.idToPiece(id) != token) return -1;
  return id;
}

int SentencePieceTokenizer::vocabSize() const {
  int top = processor_.vocabSize() - 1;
  for (const auto& token : added_) top = std::max(top, token.id);
  return top + 1;
}

}  // namespace tunebench
