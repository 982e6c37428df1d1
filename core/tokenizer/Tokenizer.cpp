#include "tokenizer/Tokenizer.h"

namespace tunebench {

bool Tokenizer::isSpecial(int id) const {
  for (const auto& token : addedTokens())
    if (token.id == id) return token.special;
  const auto ids = specialIds();
  return id >= 0 && (id == ids.bos || id == ids.eos || id == ids.pad);
}

}  // namespace tunebench
