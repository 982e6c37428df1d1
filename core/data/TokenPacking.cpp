#include "data/TokenPacking.h"

#include "common/Error.h"

namespace tunebench {

MaskedTokens tokenizeSegments(const std::vector<TextSegment>& segments,
                                  const Tokenize& tokenize, const TokenizeOptions& options) {
  MaskedTokens out;
  if (options.bosId >= 0) {
    out.ids.push_back(options.bosId);
    out.trainable.push_back(0);
  }
  for (const auto& segment : segments) {
    for (int32_t id : tokenize(segment.text)) {
      out.ids.push_back(id);
      out.trainable.push_back(segment.trainable ? 1 : 0);
    }
  }
  if (options.eosId >= 0) {
    out.ids.push_back(options.eosId);
    out.trainable.push_back(!segments.empty() && segments.back().trainable ? 1 : 0);
  }
  return out;
}

namespace {

void appendExample(TrainingBlock& block, const MaskedTokens& e, size_t count,
                   int32_t document) {
  for (size_t i = 0; i < count; ++i) {
    block.inputIds.push_back(e.ids[i]);
    block.labels.push_back(e.trainable[i] ? e.ids[i] : kIgnoreLabel);
    block.documentIds.push_back(document);
    block.positionIds.push_back(int32_t(i));
  }
}

void pad(TrainingBlock& block, size_t length, int32_t padId, PackingReport* report) {
  while (block.inputIds.size() < length) {
    block.inputIds.push_back(padId);
    block.labels.push_back(kIgnoreLabel);
    block.documentIds.push_back(-1);
    block.positionIds.push_back(0);
    if (report) ++report->paddingTokens;
  }
}

size_t keep(const MaskedTokens& e, size_t limit, PackingReport* report) {
  if (report) ++report->examples;
  if (e.ids.size() <= limit) return e.ids.size();
  if (report) {
    ++report->truncated;
    report->droppedTokens += e.ids.size() - limit;
  }
  return limit;
}

}  // namespace

std::vector<TrainingBlock> truncateEach(const std::vector<MaskedTokens>& examples,
                                        size_t maxLength, int32_t padId, PackingReport* report) {
  if (maxLength == 0) throw Error("the maximum sequence length must be at least 1");
  std::vector<TrainingBlock> blocks;
  for (size_t d = 0; d < examples.size(); ++d) {
    TrainingBlock block;
    appendExample(block, examples[d], keep(examples[d], maxLength, report), int32_t(d));
    pad(block, maxLength, padId, report);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

std::vector<TrainingBlock> packGreedy(const std::vector<MaskedTokens>& examples,
                                      size_t blockLength, int32_t padId, PackingReport* report) {
  if (blockLength == 0) throw Error("the block length must be at least 1");
  std::vector<TrainingBlock> blocks;
  TrainingBlock current;
  for (size_t d = 0; d < examples.size(); ++d) {
    const size_t count = keep(examples[d], blockLength, report);
    if (current.inputIds.size() + count > blockLength) {
      pad(current, blockLength, padId, report);
      blocks.push_back(std::move(current));
      current = {};
    }
    appendExample(current, examples[d], count, int32_t(d));
  }
  if (!current.inputIds.empty()) {
    pad(current, blockLength, padId, report);
    blocks.push_back(std::move(current));
  }
  return blocks;
}

std::string labelMaskPreview(const MaskedTokens& example,
                             const std::function<std::string(int32_t)>& idToPiece) {
  std::string out;
  bool open = false;
  for (size_t i = 0; i < example.ids.size(); ++i) {
    const bool trained = example.trainable[i] != 0;
    if (trained && !open) out += "[[";
    if (!trained && open) out += "]]";
    open = trained;
    out += idToPiece(example.ids[i]);
  }
  if (open) out += "]]";
  return out;
}

}  // namespace tunebench
