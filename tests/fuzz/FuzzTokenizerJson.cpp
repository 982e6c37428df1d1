// Fuzz target: tokenizer.json parsing, then encode/decode with whatever loaded.
// tunebench::Error is a correct refusal; anything else (or a crash) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/Error.h"
#include "tokenizer/BpeTokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto doc = tunebench::JsonNode::parseText(
        std::string(reinterpret_cast<const char*>(data), size), "tokenizer.json");
    const auto tokenizer = tunebench::BpeTokenizer::fromJson(doc, "tokenizer.json");
    const std::string text = "Hello  world <|endoftext|> caf\xC3\xA9 \xF0\x9F\x98\x80\n\t12345";
    const auto ids = tokenizer->encode(text);
    for (int id : ids)
      if (id < 0 || id >= tokenizer->vocabSize()) __builtin_trap();
    tokenizer->decode(ids, true);
  } catch (const tunebench::Error&) {
  }
  return 0;
}
