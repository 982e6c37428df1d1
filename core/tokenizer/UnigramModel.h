#pragma once
// The Unigram model of tokenizer.json (sentencepiece's unigram language model): the most likely
// segmentation of a pre-token under the pieces' log-probability scores, found with Viterbi.
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokenizer/TokenizerModel.h"

namespace tunebench {

class UnigramModel : public TokenizerModel {
 public:
  // pieces[id] = (token, score). Throws tunebench::Error (without file context) for an empty
  // vocabulary, an unk id outside it, or a piece listed twice.
  UnigramModel(std::vector<std::pair<std::string, double>> pieces, std::optional<int> unkId,
               bool byteFallback);

  std::vector<int> encodeWord(const std::string& word) const override;
  int tokenToId(const std::string& token) const override;
  const std::string* idToToken(int id) const override;
  int maxId() const override { return static_cast<int>(pieces_.size()) - 1; }
  std::optional<std::string> unkToken() const override;
  std::string kind() const override { return "unigram"; }

 private:
  // The best segmentation as strings; runs of unknown characters are fused into one string.
  std::vector<std::string> segment(const std::string& word) const;

  std::vector<std::pair<std::string, double>> pieces_;
  std::unordered_map<std::string, int> ids_;
  std::optional<int> unkId_;
  bool byteFallback_ = false;
  double unkScore_ = 0;
  size_t maxPieceBytes_ = 0;
};

}  // namespace tunebench
