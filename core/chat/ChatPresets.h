#pragma once
// Chat templates used when a model folder has none.
#include <string>
#include <vector>

namespace tunebench {

// chatml, llama-2, llama-3, alpaca, human-assistant ("### Human: ... ### Assistant: ...").
std::vector<std::string> chatPresetNames();
// Throws tunebench::Error listing the known names.
std::string chatPresetSource(const std::string& name);

}  // namespace tunebench
