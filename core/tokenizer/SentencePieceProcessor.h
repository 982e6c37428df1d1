#pragma once
// A loaded sentencepiece model (tokenizer.model), used through the sentencepiece module.
#include <memory>
#include <string>
#include <vector>

struct tb_spm;

namespace tunebench {

class SentencePieceProcessor {
 public:
  // Throw tunebench::Error naming the file and sentencepiece's complaint.
  static SentencePieceProcessor fromFile(const std::string& path);
  static SentencePieceProcessor fromBytes(const std::string& serializedModel);

  int vocabSize() const;
  int bosId() const;
  int eosId() const;
  int unkId() const;
  int padId() const;  // -1 when the model has none

  std::vector<int> encode(const std::string& text) const;
  std::string decode(const std::vector<int>& ids) const;
  std::string idToPiece(int id) const;
  int pieceToId(const std::string& piece) const;
  std::string serialize() const;

 private:
  explicit SentencePieceProcessor(tb_spm* model);
  std::shared_ptr<tb_spm> model_;
};

}  // namespace tunebench
