// Fuzz target: chat template parsing and rendering of a fixed conversation.
// tunebench::Error is a correct refusal; anything else (or a crash) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "chat/JinjaTemplate.h"
#include "common/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto context = tunebench::jinja::Value::fromJson(nlohmann::ordered_json::parse(R"({
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi \u00e9"},
                 {"role": "assistant", "content": "Hello!", "tool_calls": [{"name": "f", "arguments": {"x": 1}}]}],
    "tools": [{"name": "f", "parameters": {"type": "object"}}],
    "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>"})"));
  try {
    const tunebench::jinja::Template tpl(std::string(reinterpret_cast<const char*>(data), size));
    tpl.render(context.asDict());
  } catch (const tunebench::Error&) {
  }
  return 0;
}
