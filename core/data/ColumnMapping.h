#pragma once
// Which field of an imported record fills which slot of a typed example, and how to detect that
// from a sample of records. Slots per kind:
//   instruction:    instruction, input (optional), output
//   chat:           messages (+ role and content keys inside each message)
//   preference:     prompt (optional), chosen, rejected (strings, or message lists with the
//                   role/content keys)
//   text:           text
//   classification: text, label
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/Example.h"

namespace tunebench {

struct ColumnMapping {
  DatasetKind kind = DatasetKind::RawText;
  std::map<std::string, std::string> columns;  // slot -> field name in the record
  std::string roleKey = "role";                // inside each message object
  std::string contentKey = "content";
  std::map<std::string, std::string> roleNames;  // field value -> role, e.g. "gpt" -> "assistant"

  nlohmann::json toJson() const;
  // Throws tunebench::Error naming what is wrong.
  static ColumnMapping fromJson(const nlohmann::json& json);
  // The slots the kind needs, and those it may leave unmapped.
  static std::vector<std::string> requiredSlots(DatasetKind kind);
  static std::vector<std::string> optionalSlots(DatasetKind kind);
};

struct SchemaGuess {
  std::optional<ColumnMapping> mapping;  // empty: the user must map the columns
  std::string reason;                    // why this kind, or why none
  std::vector<std::string> fields;       // field names seen, most common first
};

// Looks at the field names and value types of sample records (JSON objects).
SchemaGuess detectSchema(const std::vector<nlohmann::json>& sample);

}  // namespace tunebench
