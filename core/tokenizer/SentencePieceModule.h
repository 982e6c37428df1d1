#pragma once
// Finds and opens the sentencepiece module (see shim/SentencePieceShimApi.h for why it is one).
#include <filesystem>
#include <string>
#include <vector>

#include "tokenizer/shim/SentencePieceShimApi.h"

namespace tunebench {

struct SentencePieceApi {
  decltype(&tb_spm_api_version) apiVersion;
  decltype(&tb_spm_load_file) loadFile;
  decltype(&tb_spm_load_bytes) loadBytes;
  decltype(&tb_spm_free) free;
  decltype(&tb_spm_vocab_size) vocabSize;
  decltype(&tb_spm_bos_id) bosId;
  decltype(&tb_spm_eos_id) eosId;
  decltype(&tb_spm_unk_id) unkId;
  decltype(&tb_spm_pad_id) padId;
  decltype(&tb_spm_encode) encode;
  decltype(&tb_spm_decode) decode;
  decltype(&tb_spm_id_to_piece) idToPiece;
  decltype(&tb_spm_piece_to_id) pieceToId;
  decltype(&tb_spm_serialize) serialize;
  decltype(&tb_spm_train) train;
};

class SentencePieceModule {
 public:
  // The module of this process, opened on first use. Throws tunebench::Error listing the paths
  // tried when it cannot be opened.
  static const SentencePieceApi& api();
  // Path of the opened module; throws like api().
  static std::filesystem::path loadedPath();
  // Where the module is looked for: $TUNEBENCH_SPM_MODULE, then next to the executable, then
  // <executable>/../lib/tunebench (the layout of both the build folder and an installation).
  static std::vector<std::filesystem::path> candidatePaths();
};

// Trains a sentencepiece model with the trainer's command-line style arguments.
void trainSentencePiece(const std::string& arguments);

}  // namespace tunebench
