#pragma once
// The tokenizer.ggml.* metadata llama.cpp builds its tokenizer from, read from a Hugging Face
// model folder: a sentencepiece tokenizer.model becomes the "llama" tokenizer (pieces, scores,
// token types, whether a space is prefixed), a byte-level BPE tokenizer.json the "gpt2" one
// (tokens, merges, and the pre-tokenizer llama.cpp must split text with). Special token ids,
// whether BOS/EOS are added and the chat template come from tokenizer_config.json as the project's
// own tokenizer applies them. No LibTorch here.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "export/gguf/GgufFile.h"

namespace tunebench::gguf {

// llama.cpp's token types.
enum class TokenType : int32_t {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6
};

// llama.cpp's name for the pre-tokenizer of a byte-level BPE tokenizer.json: "gpt2" (ByteLevel
// with GPT-2's split), "qwen2" (Qwen2's split regex then ByteLevel), "llama-bpe" (Llama 3's
// regex). A byte-level BPE's pre-tokenizer decides how llama.cpp splits text before merging, so
// the name is derived from the pre-tokenizer itself rather than guessed. Throws tunebench::Error
// saying which pre-tokenizer is not recognised.
std::string bpePreTokenizerName(const std::string& preTokenizerJson);

// The metadata for the folder's tokenizer, padded to vocabSize tokens (ids the tokenizer lacks
// become unused "[PAD<id>]" tokens). Throws tunebench::Error naming the file and the problem,
// and for tokenizers llama.cpp cannot reproduce.
std::vector<std::pair<std::string, Value>> tokenizerMetadata(const std::string& modelFolder,
                                                             int64_t vocabSize);

}  // namespace tunebench::gguf
