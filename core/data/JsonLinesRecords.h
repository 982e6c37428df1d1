#pragma once
// JSON Lines of objects as the trainer and the evaluator read them: blank lines skipped, every
// error naming the file and line ("train.jsonl: line 7: bad JSON: ...").
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace tunebench {

// Calls onRecord(record, where) for each object line, where = "path: line N". onLine, when
// given, sees every raw line first (blank ones too), e.g. for fingerprints.
void readJsonLinesObjects(
    const std::string& path,
    const std::function<void(const nlohmann::json& record, const std::string& where)>& onRecord,
    const std::function<void(const std::string& line)>& onLine = {});

// The string field `field` of a record; errors name `where` and the field.
std::string requiredTextField(const nlohmann::json& record, const std::string& field,
                              const std::string& where);

}  // namespace tunebench
