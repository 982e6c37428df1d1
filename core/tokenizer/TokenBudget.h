#pragma once
// How much of a text can matter when only its first n tokens are used (training cuts examples at
// max_length, evaluation refuses examples beyond the model's context). No token of a supported
// tokenizer spans more than kMostBytesPerToken bytes (sentencepiece pieces are at most 16
// characters; the longest byte-level BPE tokens are runs of up to 256 bytes), so the first n
// tokens lie in the first n × kMostBytesPerToken bytes. Cutting a long text there before
// tokenising keeps tokenisation's time and memory proportional to what is used, not to the row:
// an 8 MiB row no longer costs gigabytes to tokenise.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tunebench {

constexpr size_t kMostBytesPerToken = 256;

// The bytes that can hold the first `tokens` tokens, with room for the word the cut falls in.
size_t bytesForTokens(int64_t tokens);

// `text` cut to bytesForTokens(tokens) at a UTF-8 character boundary; the whole text when it is
// shorter. Tokenising the cut text gives the same first `tokens` tokens (except inside a single
// word of more than 4 KiB, which no tokenizer splits the same way when cut).
std::string_view prefixForTokens(std::string_view text, int64_t tokens);

}  // namespace tunebench
