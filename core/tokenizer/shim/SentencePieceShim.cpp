// The sentencepiece module: the only code of the project that links libsentencepiece.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <exception>
#include <string>
#include <vector>

#include "tokenizer/shim/SentencePieceShimApi.h"

#define TB_SPM_EXPORT extern "C" __attribute__((visibility("default")))

struct tb_spm {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void writeError(char* err, size_t capacity, const std::string& message) {
  if (!err || capacity == 0) return;
  const size_t n = std::min(capacity - 1, message.size());
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

long copyOut(const std::string& text, char* out, size_t capacity) {
  if (out && text.size() < capacity) {
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
  }
  return static_cast<long>(text.size());
}

}  // namespace

TB_SPM_EXPORT int tb_spm_api_version(void) { return TB_SPM_API_VERSION; }

TB_SPM_EXPORT tb_spm* tb_spm_load_file(const char* path, char* err, size_t err_capacity) {
  try {
    auto model = std::make_unique<tb_spm>();
    const auto status = model->processor.Load(path);
    if (!status.ok()) {
      writeError(err, err_capacity, status.ToString());
      return nullptr;
    }
    return model.release();
  } catch (const std::exception& e) {
    writeError(err, err_capacity, e.what());
    return nullptr;
  }
}

TB_SPM_EXPORT tb_spm* tb_spm_load_bytes(const char* data, size_t size, char* err,
                                        size_t err_capacity) {
  try {
    auto model = std::make_unique<tb_spm>();
    const auto status = model->processor.LoadFromSerializedProto(std::string(data, size));
    if (!status.ok()) {
      writeError(err, err_capacity, status.ToString());
      return nullptr;
    }
    return model.release();
  } catch (const std::exception& e) {
    writeError(err, err_capacity, e.what());
    return nullptr;
  }
}

TB_SPM_EXPORT void tb_spm_free(tb_spm* model) { delete model; }

TB_SPM_EXPORT int tb_spm_vocab_size(const tb_spm* model) { return model->processor.GetPieceSize(); }
TB_SPM_EXPORT int tb_spm_bos_id(const tb_spm* model) { return model->processor.bos_id(); }
TB_SPM_EXPORT int tb_spm_eos_id(const tb_spm* model) { return model->processor.eos_id(); }
TB_SPM_EXPORT int tb_spm_unk_id(const tb_spm* model) { return model->processor.unk_id(); }
TB_SPM_EXPORT int tb_spm_pad_id(const tb_spm* model) { return model->processor.pad_id(); }

TB_SPM_EXPORT long tb_spm_encode(const tb_spm* model, const char* text, size_t size, int* ids,
                                 size_t capacity) {
  try {
    std::vector<int> encoded;
    if (!model->processor.Encode(std::string(text, size), &encoded).ok()) return -1;
    if (ids && encoded.size() <= capacity)
      std::memcpy(ids, encoded.data(), encoded.size() * sizeof(int));
    return static_cast<long>(encoded.size());
  } catch (...) {
    return -1;
  }
}

TB_SPM_EXPORT long tb_spm_decode(const tb_spm* model, const int* ids, size_t count, char* out,
                                 size_t capacity) {
  try {
    const int vocab = model->processor.GetPieceSize();
    for (size_t i = 0; i < count; ++i)
      if (ids[i] < 0 || ids[i] >= vocab) return -1;
    std::string text;
    if (!model->processor.Decode(std::vector<int>(ids, ids + count), &text).ok()) return -1;
    return copyOut(text, out, capacity);
  } catch (...) {
    return -1;
  }
}

TB_SPM_EXPORT long tb_spm_id_to_piece(const tb_spm* model, int id, char* out, size_t capacity) {
  if (id < 0 || id >= model->processor.GetPieceSize()) return -1;
  return copyOut(model->processor.IdToPiece(id), out, capacity);
}

TB_SPM_EXPORT int tb_spm_piece_to_id(const tb_spm* model, const char* piece, size_t size) {
  return model->processor.PieceToId(std::string(piece, size));
}

TB_SPM_EXPORT long tb_spm_serialize(const tb_spm* model, char* out, size_t capacity) {
  const std::string bytes = model->processor.serialized_model_proto();
  if (out && bytes.size() <= capacity) std::memcpy(out, bytes.data(), bytes.size());
  return static_cast<long>(bytes.size());
}

TB_SPM_EXPORT int tb_spm_train(const char* arguments, char* err, size_t err_capacity) {
  try {
    const auto status = sentencepiece::SentencePieceTrainer::Train(arguments);
    if (!status.ok()) {
      writeError(err, err_capacity, status.ToString());
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    writeError(err, err_capacity, e.what());
    return 1;
  }
}
