#include "tokenizer/PostProcessor.h"

#include <string>

#include "common/Error.h"

namespace tunebench {

namespace {

int readId(const JsonNode& node) {
  const long long value = node.integer();
  if (value < 0) node.fail("token ids cannot be negative");
  return static_cast<int>(value);
}

// One TemplateProcessing template ("single" or "pair"): {"SpecialToken": {"id", "type_id"}} and
// {"Sequence": {"id": "A"|"B", "type_id"}} items.
std::vector<TemplatePart> readTemplate(const JsonNode& list, const JsonNode& specials, bool pair) {
  std::vector<TemplatePart> parts;
  bool seen[2] = {false, false};
  for (const JsonNode& piece : list.items()) {
    TemplatePart part;
    if (piece.has("Sequence")) {
      const JsonNode sequence = piece.at("Sequence");
      const std::string id = sequence.at("id").str();
      if (id != "A" && (id != "B" || !pair))
        sequence.at("id").fail(pair ? "expected \"A\" or \"B\"" : "expected \"A\"");
      part.sequence = id == "A" ? 0 : 1;
      if (seen[part.sequence]) piece.fail("the sequence appears twice");
      seen[part.sequence] = true;
      if (sequence.has("type_id")) part.typeId = readId(sequence.at("type_id"));
    } else if (piece.has("SpecialToken")) {
      const JsonNode special = piece.at("SpecialToken");
      const std::string name = special.at("id").str();
      const auto entry = specials.find(name);
      if (!entry) piece.fail("special token \"" + name + "\" is not listed in special_tokens");
      for (const JsonNode& id : entry->at("ids").items()) part.ids.push_back(readId(id));
      if (special.has("type_id")) part.typeId = readId(special.at("type_id"));
    } else {
      piece.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
    parts.push_back(std::move(part));
  }
  if (!seen[0]) list.fail("the template has no {\"Sequence\": ...}");
  if (pair && !seen[1]) list.fail("the pair template has no {\"Sequence\": {\"id\": \"B\"}}");
  return parts;
}

// A [token, id] pair of BertProcessing/RobertaProcessing.
int readTokenPair(const JsonNode& node, const char* key) {
  const JsonNode pair = node.at(key);
  if (!pair.isArray() || pair.size() != 2) pair.fail("expected [token, id]");
  (void)pair.at(0).str();
  return readId(pair.at(1));
}

TemplatePart special(int id, int typeId) {
  return {-1, {id}, typeId};
}
TemplatePart sequence(int which, int typeId) {
  return {which, {}, typeId};
}

}  // namespace

std::optional<PostProcessorTemplate> parsePostProcessor(const JsonNode& node) {
  const std::string type = node.at("type").str();
  if (type == "ByteLevel") return std::nullopt;  // only adjusts offsets
  if (type == "Sequence") {
    std::optional<PostProcessorTemplate> found;
    for (const JsonNode& item : node.at("processors").items()) {
      auto step = parsePostProcessor(item);
      if (!step) continue;
      if (found)
        item.fail(
            "a Sequence with more than one post-processor that adds tokens is not "
            "supported");
      found = std::move(step);
    }
    return found;
  }
  PostProcessorTemplate result;
  if (type == "TemplateProcessing") {
    const JsonNode specials = node.at("special_tokens");
    result.single = readTemplate(node.at("single"), specials, false);
    // An empty pair template (some hand-made files) means none.
    if (node.has("pair") && node.at("pair").size() > 0)
      result.pair = readTemplate(node.at("pair"), specials, true);
  } else if (type == "BertProcessing") {
    // [CLS] A [SEP] and [CLS] A [SEP] B [SEP], B and its [SEP] with type id 1.
    const int cls = readTokenPair(node, "cls"), sep = readTokenPair(node, "sep");
    result.single = {special(cls, 0), sequence(0, 0), special(sep, 0)};
    result.pair = {special(cls, 0), sequence(0, 0), special(sep, 0), sequence(1, 1),
                   special(sep, 1)};
  } else if (type == "RobertaProcessing") {
    // <s> A </s> and <s> A </s></s> B </s>; every type id is 0, as the Python library has it
    // (Transformers.js gives the second sequence type id 1).
    const int cls = readTokenPair(node, "cls"), sep = readTokenPair(node, "sep");
    result.single = {special(cls, 0), sequence(0, 0), special(sep, 0)};
    result.pair = {special(cls, 0), sequence(0, 0), special(sep, 0),
                   special(sep, 0), sequence(1, 0), special(sep, 0)};
  } else {
    node.at("type").fail("post-processor \"" + type +
                         "\" is not supported (supported: TemplateProcessing, BertProcessing, "
                         "RobertaProcessing, ByteLevel, Sequence)");
  }
  return result;
}

void applyTemplate(const std::vector<TemplatePart>& parts, const std::vector<int>& a,
                   const std::vector<int>* b, bool addSpecial, std::vector<int>& ids,
                   std::vector<int>& typeIds) {
  for (const TemplatePart& part : parts) {
    const std::vector<int>* tokens = &part.ids;
    if (part.sequence == 0)
      tokens = &a;
    else if (part.sequence == 1)
      tokens = b;
    else if (!addSpecial)
      continue;
    if (!tokens) continue;
    ids.insert(ids.end(), tokens->begin(), tokens->end());
    typeIds.insert(typeIds.end(), tokens->size(), part.typeId);
  }
}

}  // namespace tunebench
