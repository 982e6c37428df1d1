#include "data/JsonLinesRecords.h"

#include "common/Error.h"
#include "common/JsonFile.h"
#include "data/LineReader.h"

namespace tunebench {

void readJsonLinesObjects(
    const std::string& path,
    const std::function<void(const nlohmann::json& record, const std::string& where)>& onRecord,
    const std::function<void(const std::string& line)>& onLine) {
  LineReader reader(path, 64u << 20);
  std::string line;
  while (reader.next(line)) {
    const std::string where = path + ": line " + std::to_string(reader.lineNumber());
    // Never dropped silently: a row over the limit would vanish from training or evaluation.
    if (reader.lineTooLong())
      throw Error(where + ": the line is longer than the limit of " +
                  std::to_string(reader.maxLineBytes() >> 20) + " MiB; shorten or split that row");
    if (onLine) onLine(line);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const nlohmann::json record = parseJson(line, where);
    if (!record.is_object()) throw Error(where + ": expected a JSON object");
    onRecord(record, where);
  }
}

std::string requiredTextField(const nlohmann::json& record, const std::string& field,
                              const std::string& where) {
  const auto found = record.find(field);
  if (found == record.end()) throw Error(where + ": field '" + field + "' is missing");
  if (!found->is_string()) throw Error(where + ": field '" + field + "' is not a string");
  return found->get<std::string>();
}

}  // namespace tunebench
