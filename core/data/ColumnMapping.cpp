#include "data/ColumnMapping.h"

#include <algorithm>

#include "common/Error.h"

namespace tunebench {

namespace {

// Field names other tools use for each slot, in order of preference.
const std::map<std::string, std::vector<std::string>> kAliases = {
    {"instruction", {"instruction", "prompt", "question", "query"}},
    {"input", {"input", "context"}},
    {"output", {"output", "response", "answer", "completion"}},
    {"text", {"text", "sentence", "content", "document", "review"}},
    {"label", {"label", "labels", "class", "category", "target"}},
    {"prompt", {"prompt", "question", "instruction"}},
    {"chosen", {"chosen", "preferred"}},
    {"rejected", {"rejected", "dispreferred"}},
};

const std::map<std::string, std::string> kShareGptRoles = {
    {"system", "system"},    {"human", "user"},          {"user", "user"},
    {"gpt", "assistant"},    {"assistant", "assistant"}, {"bing", "assistant"},
    {"chatgpt", "assistant"}};

// How many sample records have `field` with a value of which `accept` approves.
template <typename F>
size_t countWhere(const std::vector<nlohmann::json>& sample, const std::string& field, F accept) {
  return size_t(std::count_if(sample.begin(), sample.end(), [&](const nlohmann::json& r) {
    return r.is_object() && r.contains(field) && accept(r[field]);
  }));
}

bool isMessageList(const nlohmann::json& v, const char* roleKey, const char* contentKey) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [&](const auto& m) {
           return m.is_object() && m.contains(roleKey) && m.contains(contentKey);
         });
}

bool isText(const nlohmann::json& v) {
  return v.is_string();
}
bool isTextOrMessages(const nlohmann::json& v) {
  return v.is_string() || isMessageList(v, "role", "content");
}
bool isLabel(const nlohmann::json& v) {
  return v.is_string() || v.is_number_integer() || v.is_boolean();
}

}  // namespace

std::vector<std::string> ColumnMapping::requiredSlots(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::Instruction:
      return {"instruction", "output"};
    case DatasetKind::Chat:
      return {"messages"};
    case DatasetKind::Preference:
      return {"chosen", "rejected"};
    case DatasetKind::RawText:
      return {"text"};
    case DatasetKind::Classification:
      return {"text", "label"};
  }
  return {};
}

std::vector<std::string> ColumnMapping::optionalSlots(DatasetKind kind) {
  if (kind == DatasetKind::Instruction) return {"input"};
  // Some preference sets (Anthropic HH) hold whole conversations in chosen and rejected.
  if (kind == DatasetKind::Preference) return {"prompt"};
  return {};
}

nlohmann::json ColumnMapping::toJson() const {
  return {{"kind", datasetKindName(kind)},
          {"columns", columns},
          {"roleKey", roleKey},
          {"contentKey", contentKey},
          {"roleNames", roleNames}};
}

ColumnMapping ColumnMapping::fromJson(const nlohmann::json& json) {
  return withContext("reading a column mapping", [&] {
    ColumnMapping m;
    m.kind = datasetKindFromName(json.at("kind").get<std::string>());
    m.columns = json.at("columns").get<std::map<std::string, std::string>>();
    m.roleKey = json.value("roleKey", "role");
    m.contentKey = json.value("contentKey", "content");
    m.roleNames = json.value("roleNames", std::map<std::string, std::string>{});
    for (const auto& slot : requiredSlots(m.kind))
      if (!m.columns.count(slot))
        throw Error(std::string("the ") + datasetKindName(m.kind) + " kind needs a field for \"" +
                    slot + "\"");
    for (const auto& [slot, field] : m.columns) {
      const auto required = requiredSlots(m.kind);
      const auto optional = optionalSlots(m.kind);
      if (std::find(required.begin(), required.end(), slot) == required.end() &&
          std::find(optional.begin(), optional.end(), slot) == optional.end())
        throw Error(std::string("the ") + datasetKindName(m.kind) + " kind has no slot \"" + slot +
                    "\"");
    }
    return m;
  });
}

SchemaGuess detectSchema(const std::vector<nlohmann::json>& sample) {
  SchemaGuess guess;
  std::map<std::string, size_t> seen;
  for (const auto& record : sample)
    if (record.is_object())
      for (const auto& [key, value] : record.items()) ++seen[key];
  std::vector<std::pair<std::string, size_t>> ordered(seen.begin(), seen.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, count] : ordered) guess.fields.push_back(name);
  if (sample.empty()) {
    guess.reason = "no records to look at";
    return guess;
  }
  // A field counts when at least 90% of the sample has it with the right type.
  const size_t needed = (sample.size() * 9 + 9) / 10;
  auto find = [&](const std::string& slot, bool (*accept)(const nlohmann::json&)) {
    for (const auto& alias : kAliases.at(slot))
      if (countWhere(sample, alias, accept) >= needed) return alias;
    return std::string();
  };

  for (const auto& [field, role, content, roles] :
       {std::tuple{"messages", "role", "content", false},
        std::tuple{"conversations", "from", "value", true},
        std::tuple{"conversation", "from", "value", true}}) {
    if (countWhere(sample, field, [&](const auto& v) { return isMessageList(v, role, content); }) >=
        needed) {
      ColumnMapping m;
      m.kind = DatasetKind::Chat;
      m.columns = {{"messages", field}};
      m.roleKey = role;
      m.contentKey = content;
      if (roles) m.roleNames = kShareGptRoles;
      guess.mapping = m;
      guess.reason = std::string("field \"") + field + "\" holds lists of {" + role + ", " +
                     content + "} messages" + (roles ? " (ShareGPT)" : "");
      return guess;
    }
  }

  const std::string chosen = find("chosen", isTextOrMessages);
  const std::string rejected = find("rejected", isTextOrMessages);
  if (!chosen.empty() && !rejected.empty()) {
    ColumnMapping m;
    m.kind = DatasetKind::Preference;
    m.columns = {{"chosen", chosen}, {"rejected", rejected}};
    guess.reason = "fields \"" + chosen + "\" and \"" + rejected + "\" form preference pairs";
    if (const std::string prompt = find("prompt", isTextOrMessages); !prompt.empty()) {
      m.columns["prompt"] = prompt;
      guess.reason += " for the prompts in \"" + prompt + "\"";
    }
    guess.mapping = m;
    return guess;
  }

  const std::string output = find("output", isText);
  const std::string instruction = find("instruction", isText);
  if (!instruction.empty() && !output.empty()) {
    ColumnMapping m;
    m.kind = DatasetKind::Instruction;
    m.columns = {{"instruction", instruction}, {"output", output}};
    if (const std::string input = find("input", isText); !input.empty()) m.columns["input"] = input;
    guess.mapping = m;
    guess.reason = "fields \"" + instruction + "\" and \"" + output + "\" hold instructions";
    return guess;
  }

  const std::string text = find("text", isText);
  const std::string label = find("label", isLabel);
  if (!text.empty() && !label.empty()) {
    ColumnMapping m;
    m.kind = DatasetKind::Classification;
    m.columns = {{"text", text}, {"label", label}};
    guess.mapping = m;
    guess.reason = "field \"" + text + "\" is text and \"" + label + "\" its label";
    return guess;
  }
  if (!text.empty()) {
    ColumnMapping m;
    m.kind = DatasetKind::RawText;
    m.columns = {{"text", text}};
    guess.mapping = m;
    guess.reason = "field \"" + text + "\" holds plain text";
    return guess;
  }
  guess.reason =
      "no known shape (instruction, chat, preference, text, classification) fits the "
      "fields; map the columns by hand";
  return guess;
}

}  // namespace tunebench
