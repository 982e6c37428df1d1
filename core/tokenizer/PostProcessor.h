#pragma once
// The post-processor of tokenizer.json: the special tokens put around one sequence or a pair, and
// the type id of each token. TemplateProcessing, BertProcessing and RobertaProcessing are read
// into one template form; ByteLevel only adjusts offsets; a Sequence may hold several ByteLevel
// steps and at most one step that adds tokens.
#include <optional>
#include <vector>

#include "tokenizer/JsonNode.h"

namespace tunebench {

struct TemplatePart {
  int sequence = -1;     // 0: the first sequence (A), 1: the second (B), -1: special tokens
  std::vector<int> ids;  // the special tokens' ids
  int typeId = 0;
};

struct PostProcessorTemplate {
  std::vector<TemplatePart> single;
  std::optional<std::vector<TemplatePart>> pair;  // absent: the file defines no pair template
};

// nullopt when the post-processor adds nothing (ByteLevel). Throws tunebench::Error naming the
// file, the JSON path and the problem; an unknown type is refused with the supported ones.
std::optional<PostProcessorTemplate> parsePostProcessor(const JsonNode& node);

// The ids and type ids of sequence a (and b, when given) under parts; special tokens only when
// addSpecial.
void applyTemplate(const std::vector<TemplatePart>& parts, const std::vector<int>& a,
                   const std::vector<int>* b, bool addSpecial, std::vector<int>& ids,
                   std::vector<int>& typeIds);

}  // namespace tunebench
