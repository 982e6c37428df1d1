#pragma once
// One table per enum names its values for files (run.json, records) and for people (the GUI).
// Parsing, writing and labelling all read that table, so a value is named in one place only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

template <typename Enum>
struct EnumName {
  Enum value;
  const char* file;   // as written in files: "causal_lm"
  const char* label;  // as shown to people: "Causal language modelling"
};

template <typename Enum>
using EnumNames = std::vector<EnumName<Enum>>;

template <typename Enum>
const EnumName<Enum>* findEnumName(const EnumNames<Enum>& names, Enum value) {
  for (const auto& name : names)
    if (name.value == value) return &name;
  return nullptr;
}

template <typename Enum>
const char* fileNameOf(const EnumNames<Enum>& names, Enum value) {
  const auto* name = findEnumName(names, value);
  return name ? name->file : "?";
}

template <typename Enum>
const char* labelOf(const EnumNames<Enum>& names, Enum value) {
  const auto* name = findEnumName(names, value);
  return name ? name->label : "?";
}

template <typename Enum>
std::optional<Enum> enumFromFileName(const EnumNames<Enum>& names, std::string_view file) {
  for (const auto& name : names)
    if (file == name.file) return name.value;
  return std::nullopt;
}

// "a, b, c": the file names, for messages that list what is allowed.
template <typename Enum>
std::string fileNamesListed(const EnumNames<Enum>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + std::string(name.file);
  return text;
}

}  // namespace tunebench
