// Fuzz target: config.json parsing. tunebench::Error is a correct refusal; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/Error.h"
#include "model/ModelConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto config =
        tunebench::parseModelConfig(std::string(reinterpret_cast<const char*>(data), size), "config.json");
    if (config.headDim <= 0 || config.numHeads % config.numKeyValueHeads != 0) __builtin_trap();
    config.parameterCount();
  } catch (const tunebench::Error&) {
  }
  return 0;
}
