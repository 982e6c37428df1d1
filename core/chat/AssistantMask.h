#pragma once
// Turns the assistant spans of a rendered chat into a per-token mask (the label mask of
// supervised fine-tuning: train on the tokens the model must produce, not on the prompt).
#include <cstdint>
#include <utility>
#include <vector>

#include "chat/ChatTemplate.h"

namespace tunebench {

// 1 for a token whose first byte lies inside an assistant span, else 0. tokenOffsets are byte
// ranges into the rendered text (BpeTokenizer::encodeWithOffsets); empty ranges (tokens the
// post-processor added) are never inside.
std::vector<uint8_t> assistantTokenMask(const std::vector<std::pair<size_t, size_t>>& tokenOffsets,
                                        const std::vector<AssistantSpan>& spans);

}  // namespace tunebench
