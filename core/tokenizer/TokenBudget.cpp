#include "tokenizer/TokenBudget.h"

#include <limits>

namespace tunebench {

namespace {
constexpr size_t kWordRoom = 4096;
}

size_t bytesForTokens(int64_t tokens) {
  if (tokens <= 0) return kWordRoom;
  const auto count = static_cast<size_t>(tokens);
  if (count > (std::numeric_limits<size_t>::max() - kWordRoom) / kMostBytesPerToken)
    return std::numeric_limits<size_t>::max();
  return count * kMostBytesPerToken + kWordRoom;
}

std::string_view prefixForTokens(std::string_view text, int64_t tokens) {
  size_t end = bytesForTokens(tokens);
  if (text.size() <= end) return text;
  // Back to the start of the character the cut falls in (continuation bytes are 10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace tunebench
