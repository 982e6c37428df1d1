#include "data/RecordMapper.h"

#include "common/Error.h"

namespace tunebench {

namespace {

class FieldError : public Error {
 public:
  using Error::Error;
};

// `shown` is how the error names the field (with its path inside a message list).
const nlohmann::json& field(const nlohmann::json& record, const std::string& name,
                            const std::string& shown = "") {
  if (!record.contains(name))
    throw FieldError("field \"" + (shown.empty() ? name : shown) + "\": missing");
  return record[name];
}

std::string text(const nlohmann::json& value, const std::string& name) {
  if (value.is_null()) return {};
  if (!value.is_string())
    throw FieldError("field \"" + name + "\": expected a string, found " + value.type_name());
  return value.get<std::string>();
}

std::string labelText(const nlohmann::json& value, const std::string& name) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_boolean()) return value.dump();
  throw FieldError("field \"" + name + "\": expected a string, integer or boolean label, found " +
                   std::string(value.type_name()));
}

std::vector<Message> messages(const nlohmann::json& value, const std::string& name,
                              const ColumnMapping& m, const char* plainRole) {
  if (value.is_string() && plainRole) return {{plainRole, value.get<std::string>()}};
  if (!value.is_array())
    throw FieldError("field \"" + name + "\": expected a list of messages, found " +
                     value.type_name());
  std::vector<Message> list;
  for (size_t i = 0; i < value.size(); ++i) {
    const auto& item = value[i];
    const std::string where = name + "[" + std::to_string(i) + "]";
    if (!item.is_object())
      throw FieldError("field \"" + where + "\": expected a message object, found " +
                       item.type_name());
    std::string role =
        text(field(item, m.roleKey, where + "." + m.roleKey), where + "." + m.roleKey);
    if (!m.roleNames.empty()) {
      const auto known = m.roleNames.find(role);
      if (known == m.roleNames.end())
        throw FieldError("field \"" + where + "." + m.roleKey + "\": unknown role \"" + role +
                         "\"");
      role = known->second;
    }
    list.push_back({role, text(field(item, m.contentKey, where + "." + m.contentKey),
                               where + "." + m.contentKey)});
  }
  return list;
}

}  // namespace

Example mapRecord(const ImportedRecord& record, const ColumnMapping& m) {
  try {
    const auto& r = record.fields;
    auto slot = [&](const char* name) -> const std::string& { return m.columns.at(name); };
    Example e;
    e.sourceLine = record.line;
    switch (m.kind) {
      case DatasetKind::Instruction:
        e.instruction = text(field(r, slot("instruction")), slot("instruction"));
        e.output = text(field(r, slot("output")), slot("output"));
        if (m.columns.count("input") && r.contains(slot("input")))
          e.input = text(r[slot("input")], slot("input"));
        break;
      case DatasetKind::Chat:
        e.messages = messages(field(r, slot("messages")), slot("messages"), m, nullptr);
        break;
      case DatasetKind::Preference:
        if (m.columns.count("prompt"))
          e.messages = messages(field(r, slot("prompt")), slot("prompt"), m, "user");
        e.chosen = messages(field(r, slot("chosen")), slot("chosen"), m, "assistant");
        e.rejected = messages(field(r, slot("rejected")), slot("rejected"), m, "assistant");
        break;
      case DatasetKind::RawText:
        e.text = text(field(r, slot("text")), slot("text"));
        break;
      case DatasetKind::Classification:
        e.text = text(field(r, slot("text")), slot("text"));
        e.label = labelText(field(r, slot("label")), slot("label"));
        break;
    }
    return e;
  } catch (const FieldError& e) {
    throw Error("line " + std::to_string(record.line) + " (byte offset " +
                std::to_string(record.byteOffset) + "): " + e.what());
  }
}

MappingSink::MappingSink(ColumnMapping mapping, std::string path, bool skipBadRows, RecordSink* raw)
    : mapping_(std::move(mapping)), path_(std::move(path)), skipBadRows_(skipBadRows), raw_(raw) {
  dataset_.kind = mapping_.kind;
}

void MappingSink::record(ImportedRecord&& record) {
  const int64_t index = index_++;
  try {
    Example e = mapRecord(record, mapping_);
    e.sourceIndex = index;
    dataset_.examples.push_back(std::move(e));
  } catch (const Error& e) {
    if (!skipBadRows_) throw Error(path_ + ": " + e.what());
    rejects_.push_back(
        {record.line, record.byteOffset, e.what(), record.fields.dump().substr(0, 200)});
  }
  if (raw_) raw_->record(std::move(record));
}

void MappingSink::reject(ImportReject&& reject) {
  rejects_.push_back(reject);
  if (raw_) raw_->reject(std::move(reject));
}

}  // namespace tunebench
