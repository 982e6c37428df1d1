#include "builtin/CsvImporter.h"

#include <set>

#include "builtin/ImportSupport.h"
#include "common/Error.h"
#include "common/Utf8.h"
#include "data/CsvReader.h"

namespace tunebench::builtin {

namespace {

char delimiterSetting(const ImportOptions& options, bool tabs) {
  std::string value = tabs ? "\t" : "auto";
  if (options.settings.is_object() && options.settings.contains("delimiter")) {
    const auto& setting = options.settings["delimiter"];
    value = setting.is_string() ? setting.get<std::string>() : "";
  }
  if (value == "auto") return sniffCsvDelimiter(options.path);
  if (value.size() != 1 || value == "\"" || value == "\n" || value == "\r")
    throw Error(
        "import setting delimiter must be one character (not a quote or line end) or "
        "\"auto\"");
  return value[0];
}

bool headerSetting(const ImportOptions& options) {
  if (!options.settings.is_object() || !options.settings.contains("header")) return true;
  const auto& value = options.settings["header"];
  if (!value.is_boolean()) throw Error("import setting header must be true or false");
  return value.get<bool>();
}

bool isBlankLine(const CsvRow& row) {
  return row.fields.size() == 1 && row.fields[0].empty() && row.end.offset == row.start.offset;
}

std::string joinFields(const CsvRow& row, char delimiter) {
  std::string text;
  for (size_t i = 0; i < row.fields.size() && text.size() < 200; ++i) {
    if (i) text += delimiter;
    text += row.fields[i];
  }
  return text;
}

// The malformed record's text as stored with the reject; bytes that are not UTF-8 become U+FFFD.
std::string readableRawText(const std::string& path, const CsvProblem& problem) {
  return toValidUtf8Lossy(csvRawText(path, problem.start, problem.end));
}

}  // namespace

void CsvImporter::importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) {
  CsvOptions csv;
  csv.delimiter = delimiterSetting(options, tabs_);
  csv.maxFieldBytes = sizeSetting(options, "maxFieldBytes", kDefaultMaxLineBytes);
  csv.bufferBytes = readBufferSetting(options);
  const bool header = headerSetting(options);
  CsvReader reader(options.path, csv);

  std::vector<std::string> names;
  CsvRow row;
  std::optional<CsvProblem> problem;
  int64_t records = 0;
  while (reader.next(row, problem) && keepGoing(++records, reader.cursor(), context)) {
    if (problem) {
      // A header that cannot be read leaves nothing to map the rows to.
      if (names.empty() && header)
        throw Error(options.path + ": " + describePosition(problem->at) + ": " + problem->problem +
                    " (in the header)");
      reportProblem(options, sink, problem->at, problem->start, problem->problem,
                    readableRawText(options.path, *problem));
      continue;
    }
    if (isBlankLine(row)) continue;
    if (names.empty()) {
      if (!header) {
        for (size_t i = 0; i < row.fields.size(); ++i)
          names.push_back("column" + std::to_string(i + 1));
      } else {
        std::set<std::string> seen;
        for (size_t i = 0; i < row.fields.size(); ++i) {
          const std::string where = options.path + ": " + describePosition(row.fieldStarts[i]);
          if (row.fields[i].empty())
            throw Error(where + ": header column " + std::to_string(i + 1) + " has no name");
          if (!seen.insert(row.fields[i]).second)
            throw Error(where + ": header name \"" + row.fields[i] + "\" appears twice");
        }
        names = row.fields;
        continue;
      }
    }
    if (row.fields.size() != names.size()) {
      // Point at the first extra field, or at the end of a short record.
      const TextPosition at =
          row.fields.size() > names.size() ? row.fieldStarts[names.size()] : row.end;
      reportProblem(options, sink, at, row.start,
                    "expected " + std::to_string(names.size()) + " fields, found " +
                        std::to_string(row.fields.size()),
                    joinFields(row, csv.delimiter));
      continue;
    }
    nlohmann::json fields = nlohmann::json::object();
    for (size_t i = 0; i < names.size(); ++i) fields[names[i]] = std::move(row.fields[i]);
    sink.record({std::move(fields), row.start.line, row.start.offset});
  }
  context.progress(reader.cursor().position().offset, reader.cursor().fileSize(),
                   "read " + options.path);
}

}  // namespace tunebench::builtin
