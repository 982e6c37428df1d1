#pragma once
// The BPE model of tokenizer.json: a vocabulary and ranked merges applied to one pre-token.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokenizer/TokenizerModel.h"

namespace tunebench {

struct BpeOptions {
  std::optional<std::string> unkToken;
  std::string continuingSubwordPrefix;
  std::string endOfWordSuffix;
  bool fuseUnk = false;
  bool byteFallback = false;  // unknown characters become <0xNN> byte tokens
  bool ignoreMerges = false;  // a word that is already in the vocabulary is not merged
};

class BpeModel : public TokenizerModel {
 public:
  using Merge = std::pair<std::string, std::string>;

  // Throws tunebench::Error (without file context) when a merge names a token outside the
  // vocabulary or when ids are duplicated.
  BpeModel(std::unordered_map<std::string, int> vocab, const std::vector<Merge>& merges,
           BpeOptions options);

  // Token ids of one pre-token (already byte-level mapped when the tokenizer is byte-level).
  std::vector<int> encodeWord(const std::string& word) const override;

  int tokenToId(const std::string& token) const override;  // -1 when absent
  const std::string* idToToken(int id) const override;     // nullptr when absent
  int size() const { return static_cast<int>(idToToken_.size()); }
  int maxId() const override { return maxId_; }
  std::optional<std::string> unkToken() const override { return options_.unkToken; }
  std::string kind() const override { return "bpe"; }
  const BpeOptions& options() const { return options_; }
  const std::unordered_map<std::string, int>& vocab() const { return vocab_; }
  const std::vector<Merge>& merges() const { return merges_; }  // in rank order

 private:
  std::vector<int> mergeWord(const std::string& word) const;

  std::unordered_map<std::string, int> vocab_;
  std::unordered_map<int, std::string> idToToken_;
  // (left id << 32 | right id) -> (rank, merged id)
  std::unordered_map<uint64_t, std::pair<int, int>> ranks_;
  std::vector<Merge> merges_;
  BpeOptions options_;
  int maxId_ = -1;
  mutable std::mutex cacheMutex_;
  mutable std::unordered_map<std::string, std::vector<int>> cache_;
};

}  // namespace tunebench
