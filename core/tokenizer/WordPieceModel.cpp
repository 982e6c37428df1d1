#include "tokenizer/WordPieceModel.h"

#include <algorithm>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

WordPieceModel::WordPieceModel(std::unordered_map<std::string, int> vocab, std::string unkToken,
                               std::string continuingSubwordPrefix, size_t maxInputCharsPerWord)
    : vocab_(std::move(vocab)),
      unkToken_(std::move(unkToken)),
      prefix_(std::move(continuingSubwordPrefix)),
      maxChars_(maxInputCharsPerWord) {
  for (const auto& [token, id] : vocab_) {
    if (!idToToken_.emplace(id, token).second)
      throw Error("vocab: id " + std::to_string(id) + " is used by \"" + token + "\" and \"" +
                  idToToken_[id] + "\"");
    maxId_ = std::max(maxId_, id);
  }
}

int WordPieceModel::tokenToId(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* WordPieceModel::idToToken(int id) const {
  const auto it = idToToken_.find(id);
  return it == idToToken_.end() ? nullptr : &it->second;
}

int WordPieceModel::unkId() const {
  const int id = tokenToId(unkToken_);
  if (id < 0)
    throw Error(
        "encoding text: a word is unknown to the WordPiece vocabulary and its unk_token \"" +
        unkToken_ + "\" is not in the vocabulary");
  return id;
}

std::vector<int> WordPieceModel::encodeWord(const std::string& word) const {
  if (word.empty()) return {};
  if (utf8ToCodePoints(word).size() > maxChars_) return {unkId()};
  std::vector<int> ids;
  size_t start = 0;
  while (start < word.size()) {
    // The longest vocabulary entry starting here; the end only moves back by whole characters.
    size_t end = word.size();
    int found = -1;
    while (start < end) {
      const std::string piece =
          (start > 0 ? prefix_ : std::string()) + word.substr(start, end - start);
      found = tokenToId(piece);
      if (found >= 0) break;
      do {
        --end;
      } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found < 0) return {unkId()};
    ids.push_back(found);
    start = end;
  }
  return ids;
}

}  // namespace tunebench
