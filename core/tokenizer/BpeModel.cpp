#include "tokenizer/BpeModel.h"

#include <climits>
#include <cstdio>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

uint64_t pairKey(int left, int right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

}  // namespace

BpeModel::BpeModel(std::unordered_map<std::string, int> vocab, const std::vector<Merge>& merges,
                   BpeOptions options)
    : vocab_(std::move(vocab)), merges_(merges), options_(std::move(options)) {
  for (const auto& [token, id] : vocab_) {
    if (id < 0) throw Error("vocab[\"" + token + "\"]: negative id " + std::to_string(id));
    if (!idToToken_.emplace(id, token).second)
      throw Error("vocab: id " + std::to_string(id) + " is used by \"" + token + "\" and \"" +
                  idToToken_[id] + "\"");
    maxId_ = std::max(maxId_, id);
  }
  const size_t prefixLength = options_.continuingSubwordPrefix.size();
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    const std::string where = "merges[" + std::to_string(rank) + "]";
    const int a = tokenToId(left), b = tokenToId(right);
    if (a < 0) throw Error(where + ": \"" + left + "\" is not in the vocabulary");
    if (b < 0) throw Error(where + ": \"" + right + "\" is not in the vocabulary");
    const std::string rightPart =
        prefixLength > 0 && right.compare(0, prefixLength, options_.continuingSubwordPrefix) == 0
            ? right.substr(prefixLength)
            : right;
    const int merged = tokenToId(left + rightPart);
    if (merged < 0)
      throw Error(where + ": the merged token \"" + left + rightPart +
                  "\" is not in the vocabulary");
    // A repeated merge keeps its first (best) rank.
    ranks_.emplace(pairKey(a, b), std::make_pair(static_cast<int>(rank), merged));
  }
  if (options_.unkToken && tokenToId(*options_.unkToken) < 0)
    throw Error("unk_token \"" + *options_.unkToken + "\" is not in the vocabulary");
}

int BpeModel::tokenToId(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* BpeModel::idToToken(int id) const {
  const auto it = idToToken_.find(id);
  return it == idToToken_.end() ? nullptr : &it->second;
}

std::vector<int> BpeModel::encodeWord(const std::string& word) const {
  if (word.empty()) return {};
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    const auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;
  }
  std::vector<int> ids = mergeWord(word);
  std::lock_guard<std::mutex> lock(cacheMutex_);
  if (cache_.size() > 100000) cache_.clear();
  cache_.emplace(word, ids);
  return ids;
}

std::vector<int> BpeModel::mergeWord(const std::string& word) const {
  // As the Python library: the whole pre-token, without subword prefix or suffix.
  if (options_.ignoreMerges) {
    const int whole = tokenToId(word);
    if (whole >= 0) return {whole};
  }
  // Initial symbols: one per character, with the subword prefix/suffix rules; characters that
  // are not in the vocabulary become byte tokens or the unknown token.
  std::vector<int> symbols;
  const int unk = options_.unkToken ? tokenToId(*options_.unkToken) : -1;
  bool lastWasUnk = false;
  size_t pos = 0;
  while (pos < word.size()) {
    const size_t n =
        std::min(utf8SequenceLength(static_cast<unsigned char>(word[pos])), word.size() - pos);
    std::string piece = word.substr(pos, n);
    if (pos > 0) piece = options_.continuingSubwordPrefix + piece;
    if (pos + n == word.size()) piece += options_.endOfWordSuffix;
    pos += n;
    const int id = tokenToId(piece);
    if (id >= 0) {
      symbols.push_back(id);
      lastWasUnk = false;
      continue;
    }
    if (options_.byteFallback) {
      // The bytes of the piece as looked up, subword prefix and suffix included (as the Python
      // library does).
      if (const auto bytes = byteTokens(piece)) {
        symbols.insert(symbols.end(), bytes->begin(), bytes->end());
        lastWasUnk = false;
        continue;
      }
    }
    if (unk >= 0 && !(options_.fuseUnk && lastWasUnk)) symbols.push_back(unk);
    lastWasUnk = unk >= 0;
  }
  // Merge the lowest ranked adjacent pair, leftmost first, until none applies.
  for (;;) {
    int bestRank = INT_MAX, bestAt = -1, bestId = -1;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = ranks_.find(pairKey(symbols[i], symbols[i + 1]));
      if (it != ranks_.end() && it->second.first < bestRank) {
        bestRank = it->second.first;
        bestAt = static_cast<int>(i);
        bestId = it->second.second;
      }
    }
    if (bestAt < 0) break;
    symbols[bestAt] = bestId;
    symbols.erase(symbols.begin() + bestAt + 1);
  }
  return symbols;
}

}  // namespace tunebench
