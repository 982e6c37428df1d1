#pragma once
// The text the starter model is pretrained on: Tunebench's procedural English plus plain
// statements of the skills the demo's instruction tasks ask for (unit conversions, small sums,
// counting on, repeating words), so that fine-tuning teaches the task format rather than facts.
#include <cstdint>
#include <string>
#include <vector>

namespace tunebench {

// About `approximateBytes` of text as documents, one per element. Deterministic for a seed.
std::vector<std::string> starterCorpusDocuments(uint64_t seed, size_t approximateBytes);

}  // namespace tunebench
