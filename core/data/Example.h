#pragma once
// Typed training examples: what an imported record becomes once its columns are mapped to one of
// the dataset kinds. Cleaning, profiling and splitting work on these; the raw import stays as it
// was read. Examples and datasets convert to and from JSON so that a store can persist them.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

enum class DatasetKind { Instruction, Chat, Preference, RawText, Classification };

const char* datasetKindName(DatasetKind kind);  // "instruction", "chat", ...
// Throws tunebench::Error for an unknown name.
DatasetKind datasetKindFromName(const std::string& name);

struct Message {
  std::string role;  // "system", "user", "assistant" (ShareGPT roles are translated)
  std::string content;
  bool operator==(const Message& other) const {
    return role == other.role && content == other.content;
  }
};

struct Example {
  // Instruction (alpaca): instruction, optional input, output.
  std::string instruction, input, output;
  // Chat: the conversation. Preference: the prompt as a conversation (one user message when plain).
  std::vector<Message> messages;
  // Preference: the preferred and the rejected answer (one assistant message when plain).
  std::vector<Message> chosen, rejected;
  // Raw text and classification.
  std::string text;
  std::string label;
  // Where it came from in the raw import.
  int64_t sourceIndex = -1;
  int64_t sourceLine = 0;

  bool operator==(const Example& other) const;
};

// Every piece of free text of an example of this kind (message contents, not roles or labels),
// for steps that transform text.
std::vector<std::string*> textsOf(Example& example, DatasetKind kind);
std::vector<const std::string*> textsOf(const Example& example, DatasetKind kind);
// The texts joined with newlines: what length filters and duplicate detection look at.
std::string joinedText(const Example& example, DatasetKind kind);
// The texts an input-side augmentation may rewrite (prompts, user turns, classified text).
std::vector<std::string*> promptTextsOf(Example& example, DatasetKind kind);

struct Dataset {
  DatasetKind kind = DatasetKind::RawText;
  std::vector<Example> examples;
};

nlohmann::json toJson(const Example& example, DatasetKind kind);
Example exampleFromJson(const nlohmann::json& json, DatasetKind kind);
nlohmann::json toJson(const Dataset& dataset);
Dataset datasetFromJson(const nlohmann::json& json);

}  // namespace tunebench
