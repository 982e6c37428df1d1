#include "tokenizer/UnigramModel.h"

#include <algorithm>
#include <cstdio>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench {

namespace {

// The Python library's penalty below the lowest score for an unknown character.
constexpr double kUnknownPenalty = 10.0;

}  // namespace

UnigramModel::UnigramModel(std::vector<std::pair<std::string, double>> pieces,
                           std::optional<int> unkId, bool byteFallback)
    : pieces_(std::move(pieces)), unkId_(unkId), byteFallback_(byteFallback) {
  if (pieces_.empty()) throw Error("vocab: the vocabulary is empty");
  if (unkId_ && (*unkId_ < 0 || *unkId_ >= static_cast<int>(pieces_.size())))
    throw Error("unk_id: " + std::to_string(*unkId_) + " is outside the vocabulary (size " +
                std::to_string(pieces_.size()) + ")");
  double minScore = pieces_[0].second;
  for (size_t id = 0; id < pieces_.size(); ++id) {
    const auto& [token, score] = pieces_[id];
    if (!ids_.emplace(token, static_cast<int>(id)).second)
      throw Error("vocab[" + std::to_string(id) + "]: \"" + token + "\" is listed twice");
    minScore = std::min(minScore, score);
    maxPieceBytes_ = std::max(maxPieceBytes_, token.size());
  }
  unkScore_ = minScore - kUnknownPenalty;
}

int UnigramModel::tokenToId(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

const std::string* UnigramModel::idToToken(int id) const {
  if (id < 0 || id >= static_cast<int>(pieces_.size())) return nullptr;
  return &pieces_[static_cast<size_t>(id)].first;
}

std::optional<std::string> UnigramModel::unkToken() const {
  if (!unkId_) return std::nullopt;
  return pieces_[static_cast<size_t>(*unkId_)].first;
}

std::vector<std::string> UnigramModel::segment(const std::string& word) const {
  // best[end]: the best path over word[0, end): its score, where its last piece starts and which
  // piece it is (the Python library's encode_optimized, ties keep the earlier candidate).
  struct Best {
    double score = 0;
    size_t start = std::string::npos;
    int id = -1;
  };
  std::vector<Best> best(word.size() + 1);
  best[0].start = 0;
  for (size_t start = 0; start < word.size();) {
    const size_t charBytes =
        std::min(utf8SequenceLength(static_cast<unsigned char>(word[start])), word.size() - start);
    const double here = best[start].score;
    bool hasSingle = false;
    const auto offer = [&](size_t end, double score, int id) {
      Best& target = best[end];
      if (target.start == std::string::npos || here + score > target.score)
        target = {here + score, start, id};
    };
    const size_t longest = std::min(maxPieceBytes_, word.size() - start);
    for (size_t length = 1; length <= longest; ++length) {
      const auto it = ids_.find(word.substr(start, length));
      if (it == ids_.end()) continue;
      offer(start + length, pieces_[static_cast<size_t>(it->second)].second, it->second);
      if (length == charBytes) hasSingle = true;
    }
    if (!hasSingle) {
      if (!unkId_)
        throw Error(
            "encoding text: a character is not in the Unigram vocabulary and the model "
            "has no unk_id");
      offer(start + charBytes, unkScore_, *unkId_);
    }
    start += charBytes;
  }
  std::vector<std::string> pieces;
  std::string unknown;  // fused run of unknown pieces, in reverse order of discovery
  for (size_t end = word.size(); end > 0;) {
    const Best& node = best[end];
    std::string piece = word.substr(node.start, end - node.start);
    if (unkId_ && node.id == *unkId_) {
      unknown.insert(0, piece);
    } else {
      if (!unknown.empty()) pieces.push_back(std::move(unknown));
      unknown.clear();
      pieces.push_back(std::move(piece));
    }
    end = node.start;
  }
  if (!unknown.empty()) pieces.push_back(std::move(unknown));
  std::reverse(pieces.begin(), pieces.end());
  return pieces;
}

std::vector<int> UnigramModel::encodeWord(const std::string& word) const {
  std::vector<int> ids;
  for (const std::string& piece : segment(word)) {
    const int id = tokenToId(piece);
    if (id >= 0) {
      ids.push_back(id);
      continue;
    }
    if (byteFallback_) {
      if (const auto bytes = byteTokens(piece)) {
        ids.insert(ids.end(), bytes->begin(), bytes->end());
        continue;
      }
    }
    ids.push_back(*unkId_);  // segment() only leaves unknown pieces when there is an unk id
  }
  return ids;
}

}  // namespace tunebench
