#include "data/Example.h"

#include "common/Error.h"

namespace tunebench {

namespace {

const std::pair<DatasetKind, const char*> kKindNames[] = {
    {DatasetKind::Instruction, "instruction"},
    {DatasetKind::Chat, "chat"},
    {DatasetKind::Preference, "preference"},
    {DatasetKind::RawText, "text"},
    {DatasetKind::Classification, "classification"}};

nlohmann::json messagesJson(const std::vector<Message>& messages) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& m : messages) array.push_back({{"role", m.role}, {"content", m.content}});
  return array;
}

std::vector<Message> messagesFromJson(const nlohmann::json& json) {
  std::vector<Message> messages;
  for (const auto& m : json) messages.push_back({m.at("role"), m.at("content")});
  return messages;
}

template <typename ExampleT, typename Text>
std::vector<Text*> collectTexts(ExampleT& e, DatasetKind kind) {
  std::vector<Text*> texts;
  switch (kind) {
    case DatasetKind::Instruction:
      texts = {&e.instruction, &e.input, &e.output};
      break;
    case DatasetKind::Chat:
      for (auto& m : e.messages) texts.push_back(&m.content);
      break;
    case DatasetKind::Preference:
      for (auto* list : {&e.messages, &e.chosen, &e.rejected})
        for (auto& m : *list) texts.push_back(&m.content);
      break;
    case DatasetKind::RawText:
    case DatasetKind::Classification:
      texts = {&e.text};
      break;
  }
  return texts;
}

}  // namespace

const char* datasetKindName(DatasetKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "text";
}

DatasetKind datasetKindFromName(const std::string& name) {
  for (const auto& [kind, n] : kKindNames)
    if (name == n) return kind;
  throw Error("unknown dataset kind \"" + name +
              "\" (expected instruction, chat, preference, text or classification)");
}

bool Example::operator==(const Example& o) const {
  return instruction == o.instruction && input == o.input && output == o.output &&
         messages == o.messages && chosen == o.chosen && rejected == o.rejected && text == o.text &&
         label == o.label && sourceIndex == o.sourceIndex && sourceLine == o.sourceLine;
}

std::vector<std::string*> textsOf(Example& example, DatasetKind kind) {
  return collectTexts<Example, std::string>(example, kind);
}

std::vector<const std::string*> textsOf(const Example& example, DatasetKind kind) {
  return collectTexts<const Example, const std::string>(example, kind);
}

std::string joinedText(const Example& example, DatasetKind kind) {
  std::string joined;
  for (const auto* text : textsOf(example, kind)) {
    if (text->empty()) continue;
    if (!joined.empty()) joined += '\n';
    joined += *text;
  }
  return joined;
}

std::vector<std::string*> promptTextsOf(Example& e, DatasetKind kind) {
  std::vector<std::string*> texts;
  switch (kind) {
    case DatasetKind::Instruction:
      texts = {&e.instruction, &e.input};
      break;
    case DatasetKind::Chat:
    case DatasetKind::Preference:
      for (auto& m : e.messages)
        if (m.role == "user") texts.push_back(&m.content);
      break;
    case DatasetKind::RawText:
    case DatasetKind::Classification:
      texts = {&e.text};
      break;
  }
  return texts;
}

nlohmann::json toJson(const Example& e, DatasetKind kind) {
  nlohmann::json json;
  switch (kind) {
    case DatasetKind::Instruction:
      json = {{"instruction", e.instruction}, {"input", e.input}, {"output", e.output}};
      break;
    case DatasetKind::Chat:
      json = {{"messages", messagesJson(e.messages)}};
      break;
    case DatasetKind::Preference:
      json = {{"prompt", messagesJson(e.messages)},
              {"chosen", messagesJson(e.chosen)},
              {"rejected", messagesJson(e.rejected)}};
      break;
    case DatasetKind::RawText:
      json = {{"text", e.text}};
      break;
    case DatasetKind::Classification:
      json = {{"text", e.text}, {"label", e.label}};
      break;
  }
  json["source"] = {{"index", e.sourceIndex}, {"line", e.sourceLine}};
  return json;
}

Example exampleFromJson(const nlohmann::json& json, DatasetKind kind) {
  Example e;
  switch (kind) {
    case DatasetKind::Instruction:
      e.instruction = json.at("instruction");
      e.input = json.at("input");
      e.output = json.at("output");
      break;
    case DatasetKind::Chat:
      e.messages = messagesFromJson(json.at("messages"));
      break;
    case DatasetKind::Preference:
      e.messages = messagesFromJson(json.at("prompt"));
      e.chosen = messagesFromJson(json.at("chosen"));
      e.rejected = messagesFromJson(json.at("rejected"));
      break;
    case DatasetKind::RawText:
      e.text = json.at("text");
      break;
    case DatasetKind::Classification:
      e.text = json.at("text");
      e.label = json.at("label");
      break;
  }
  if (json.contains("source")) {
    e.sourceIndex = json["source"].value("index", int64_t(-1));
    e.sourceLine = json["source"].value("line", int64_t(0));
  }
  return e;
}

nlohmann::json toJson(const Dataset& dataset) {
  nlohmann::json examples = nlohmann::json::array();
  for (const auto& e : dataset.examples) examples.push_back(toJson(e, dataset.kind));
  return {{"kind", datasetKindName(dataset.kind)}, {"examples", std::move(examples)}};
}

Dataset datasetFromJson(const nlohmann::json& json) {
  return withContext("reading a dataset from JSON", [&] {
    Dataset dataset;
    dataset.kind = datasetKindFromName(json.at("kind"));
    for (const auto& e : json.at("examples"))
      dataset.examples.push_back(exampleFromJson(e, dataset.kind));
    return dataset;
  });
}

}  // namespace tunebench
