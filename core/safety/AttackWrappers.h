#pragma once
// Jailbreak wrappers: deterministic rewrites of a prompt that test whether a model's refusals
// survive simple attacks (the framings and encodings studied in Wei et al., "Jailbroken: How Does
// LLM Safety Training Fail?", 2023). The wrapped prompt asks the same thing; only its framing or
// encoding changes.
#include <string>
#include <vector>

namespace tunebench {

// "none" (the prompt as is), "role_play", "prefix_injection", "refusal_suppression", "base64",
// "rot13", "leetspeak".
const std::vector<std::string>& attackWrapperNames();
bool isAttackWrapper(const std::string& name);

// The prompt under the named wrapper; throws tunebench::Error naming the known wrappers for an
// unknown name.
std::string wrapPrompt(const std::string& wrapper, const std::string& prompt);

// Standard Base64 (RFC 4648, padded, no line breaks).
std::string base64Encode(const std::string& bytes);
// Letters A–Z and a–z rotated by 13; every other byte unchanged.
std::string rot13(const std::string& text);
// a→4, e→3, i→1, o→0, s→5, t→7 in either case; every other byte unchanged.
std::string leetspeak(const std::string& text);

}  // namespace tunebench
