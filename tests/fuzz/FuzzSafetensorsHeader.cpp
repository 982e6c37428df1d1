// Fuzz target: the safetensors header parser. Any tunebench::Error is a correct refusal;
// anything else (a crash, another exception, a sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/Error.h"
#include "model/SafetensorsFormat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto header = tunebench::parseSafetensorsHeader(bytes, size, "fuzz.safetensors");
    for (const auto& entry : header.entries)
      if (entry.end > size - header.dataStart) __builtin_trap();  // validated ranges stay inside
  } catch (const tunebench::Error&) {
  }
  return 0;
}
