#pragma once
// From rendered segments to training tokens: tokenise each segment with the model's tokenizer
// (supplied as a callback), keep a per-token loss mask, then truncate or pack into fixed-length
// blocks whose labels are -100 where no loss is taken. Packed blocks carry document ids so that
// attention and positions can restart at document boundaries.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "data/PromptFormat.h"

namespace tunebench {

using Tokenize = std::function<std::vector<int32_t>(std::string_view text)>;

constexpr int32_t kIgnoreLabel = -100;  // the label value losses skip (PyTorch's ignore_index)

struct MaskedTokens {
  std::vector<int32_t> ids;
  std::vector<uint8_t> trainable;  // one flag per id
};

struct TokenizeOptions {
  int32_t bosId = -1;  // prepended when >= 0 (never trained on)
  int32_t eosId = -1;  // appended when >= 0, trained on when the last segment is
};

// Segments are tokenised one by one, so that a token never straddles prompt and response.
MaskedTokens tokenizeSegments(const std::vector<TextSegment>& segments,
                                  const Tokenize& tokenize, const TokenizeOptions& options = {});

struct TrainingBlock {
  std::vector<int32_t> inputIds;
  std::vector<int32_t> labels;       // the id where trained on, kIgnoreLabel elsewhere
  std::vector<int32_t> documentIds;  // which example each position came from; -1 for padding
  std::vector<int32_t> positionIds;  // restart at 0 for each document
};

struct PackingReport {
  size_t examples = 0;
  size_t truncated = 0;      // examples cut at the block length
  size_t droppedTokens = 0;  // tokens lost to truncation
  size_t paddingTokens = 0;
};

// One block per example, cut at maxLength (left part kept) and padded to it with padId.
std::vector<TrainingBlock> truncateEach(const std::vector<MaskedTokens>& examples,
                                        size_t maxLength, int32_t padId,
                                        PackingReport* report = nullptr);

// Examples laid end to end into blocks of blockLength; an example longer than a block is cut;
// an example that does not fit in what is left of a block starts the next one, so that no
// example is split. The last block is padded.
std::vector<TrainingBlock> packGreedy(const std::vector<MaskedTokens>& examples,
                                      size_t blockLength, int32_t padId,
                                      PackingReport* report = nullptr);

// Shows which tokens carry loss: trained spans in [[...]], e.g. "Q: hi A: [[ hello</s>]]".
std::string labelMaskPreview(const MaskedTokens& example,
                             const std::function<std::string(int32_t)>& idToPiece);

}  // namespace tunebench
