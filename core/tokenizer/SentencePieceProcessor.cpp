#include "tokenizer/SentencePieceProcessor.h"

#include "common/Error.h"
#include "tokenizer/SentencePieceModule.h"

namespace tunebench {

namespace {

// Calls a (out, capacity) -> size function, growing the buffer once when needed.
template <typename T, typename F>
std::vector<T> readSized(F&& call, size_t firstGuess) {
  std::vector<T> buffer(firstGuess + 1);
  long size = call(buffer.data(), buffer.size());
  if (size < 0) return {};
  if (static_cast<size_t>(size) >= buffer.size()) {
    buffer.resize(static_cast<size_t>(size) + 1);
    size = call(buffer.data(), buffer.size());
    if (size < 0) return {};
  }
  buffer.resize(static_cast<size_t>(size));
  return buffer;
}

}  // namespace

SentencePieceProcessor::SentencePieceProcessor(tb_spm* model)
    : model_(model, SentencePieceModule::api().free) {}

SentencePieceProcessor SentencePieceProcessor::fromFile(const std::string& path) {
  const auto& api = SentencePieceModule::api();
  char error[1024] = {0};
  tb_spm* model = api.loadFile(path.c_str(), error, sizeof error);
  if (!model) throw Error("loading sentencepiece model " + path + ": " + error);
  return SentencePieceProcessor(model);
}

SentencePieceProcessor SentencePieceProcessor::fromBytes(const std::string& serializedModel) {
  const auto& api = SentencePieceModule::api();
  char error[1024] = {0};
  tb_spm* model = api.loadBytes(serializedModel.data(), serializedModel.size(), error, sizeof error);
  if (!model) throw Error(std::string("loading sentencepiece model from memory: ") + error);
  return SentencePieceProcessor(model);
}

int SentencePieceProcessor::vocabSize() const { return SentencePieceModule::api().vocabSize(model_.get()); }
int SentencePieceProcessor::bosId() const { return SentencePieceModule::api().bosId(model_.get()); }
int SentencePieceProcessor::eosId() const { return SentencePieceModule::api().eosId(model_.get()); }
int SentencePieceProcessor::unkId() const { return SentencePieceModule::api().unkId(model_.get()); }
int SentencePieceProcessor::padId() const { return SentencePieceModule::api().padId(model_.get()); }

std::vector<int> SentencePieceProcessor::encode(const std::string& text) const {
  const auto& api = SentencePieceModule::api();
  long count = api.encode(model_.get(), text.data(), text.size(), nullptr, 0);
  if (count < 0) throw Error("sentencepiece could not encode the text");
  std::vector<int> ids(static_cast<size_t>(count));
  if (count > 0) api.encode(model_.get(), text.data(), text.size(), ids.data(), ids.size());
  return ids;
}

std::string SentencePieceProcessor::decode(const std::vector<int>& ids) const {
  const auto& api = SentencePieceModule::api();
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= vocabSize())
      throw Error("decoding: token id " + std::to_string(ids[i]) + " at position " +
                  std::to_string(i) + " is outside the vocabulary (size " +
                  std::to_string(vocabSize()) + ")");
  auto text = readSized<char>(
      [&](char* out, size_t capacity) {
        return api.decode(model_.get(), ids.data(), ids.size(), out, capacity);
      },
      ids.size() * 8);
  return std::string(text.begin(), text.end());
}

std::string SentencePieceProcessor::idToPiece(int id) const {
  const auto& api = SentencePieceModule::api();
  if (id < 0 || id >= vocabSize())
    throw Error("token id " + std::to_string(id) + " is outside the vocabulary");
  auto piece = readSized<char>(
      [&](char* out, size_t capacity) { return api.idToPiece(model_.get(), id, out, capacity); }, 32);
  return std::string(piece.begin(), piece.end());
}

int SentencePieceProcessor::pieceToId(const std::string& piece) const {
  return SentencePieceModule::api().pieceToId(model_.get(), piece.data(), piece.size());
}

std::string SentencePieceProcessor::serialize() const {
  const auto& api = SentencePieceModule::api();
  const long size = api.serialize(model_.get(), nullptr, 0);
  std::string bytes(static_cast<size_t>(size), '\0');
  api.serialize(model_.get(), bytes.data(), bytes.size());
  return bytes;
}

}  // namespace tunebench
