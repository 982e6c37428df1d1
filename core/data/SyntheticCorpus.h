#pragma once
// Procedural English that Tunebench writes itself (no downloads): simple facts, lists,
// arithmetic and short dialogues. Deterministic for a seed. Used to train the tokenizers of
// generated models and, later, the starter model.
#include <cstdint>
#include <string>

namespace tunebench {

// Returns about `approximateBytes` of text, one short document per line.
std::string generateSyntheticCorpus(uint64_t seed, size_t approximateBytes);

}  // namespace tunebench
