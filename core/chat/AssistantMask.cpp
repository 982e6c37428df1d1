#include "chat/AssistantMask.h"

namespace tunebench {

std::vector<uint8_t> assistantTokenMask(const std::vector<std::pair<size_t, size_t>>& tokenOffsets,
                                        const std::vector<AssistantSpan>& spans) {
  std::vector<uint8_t> mask(tokenOffsets.size(), 0);
  for (size_t i = 0; i < tokenOffsets.size(); ++i) {
    const auto [begin, end] = tokenOffsets[i];
    if (end <= begin) continue;
    for (const auto& span : spans)
      if (begin >= span.begin && begin < span.end) {
        mask[i] = 1;
        break;
      }
  }
  return mask;
}

}  // namespace tunebench
