#include "builtin/JsonImporter.h"

#include "builtin/ImportSupport.h"
#include "builtin/JsonText.h"
#include "common/Error.h"
#include "data/JsonValueScanner.h"

namespace tunebench::builtin {

namespace {

// Turns {"a": [1, 2], "b": [3, 4]} into records {"a":1,"b":3} and {"a":2,"b":4}.
void emitColumns(const ImportOptions& options, const nlohmann::json& object,
                 const TextPosition& start, RecordSink& sink) {
  const std::string where = options.path + ": " + describePosition(start);
  if (object.empty()) return;
  size_t rows = 0;
  std::string first;
  for (const auto& [name, column] : object.items()) {
    if (!column.is_array())
      throw Error(where + ": column \"" + name + "\" is " + column.type_name() +
                  ", expected an array (an object of columns holds one array per field)");
    if (first.empty()) {
      first = name;
      rows = column.size();
    } else if (column.size() != rows) {
      throw Error(where + ": column \"" + name + "\" has " + std::to_string(column.size()) +
                  " values but column \"" + first + "\" has " + std::to_string(rows));
    }
  }
  for (size_t i = 0; i < rows; ++i) {
    nlohmann::json record = nlohmann::json::object();
    for (const auto& [name, column] : object.items()) record[name] = column[i];
    sink.record({std::move(record), start.line, start.offset});
  }
}

}  // namespace

void JsonImporter::importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) {
  const size_t maxRecord = sizeSetting(options, "maxRecordBytes", kDefaultMaxLineBytes);
  const size_t maxDocument = sizeSetting(options, "maxDocumentBytes", size_t(256) << 20);
  JsonValueScanner scanner(options.path, readBufferSetting(options), maxRecord);
  const bool columns = scanner.shape() == JsonValueScanner::Shape::Object;
  if (columns) scanner = JsonValueScanner(options.path, readBufferSetting(options), maxDocument);

  JsonTextParser parser;
  ScannedValue value;
  std::optional<ScanProblem> problem;
  int64_t records = 0;
  while (scanner.next(value, problem) && keepGoing(++records, scanner.cursor(), context)) {
    if (problem) {
      if (problem->fatal || columns)
        throw Error(options.path + ": " + describePosition(problem->at) + ": " + problem->problem);
      reportProblem(options, sink, problem->at, value.start, problem->problem, value.text);
      continue;
    }
    nlohmann::json parsed;
    if (auto bad = parser.parse(value.text, parsed)) {
      const TextPosition at = advance(value.start, value.text, bad->byte);
      if (columns) throw Error(options.path + ": " + describePosition(at) + ": " + bad->problem);
      reportProblem(options, sink, at, value.start, bad->problem, value.text);
      continue;
    }
    if (columns) {
      emitColumns(options, parsed, value.start, sink);
      continue;
    }
    if (!parsed.is_object()) {
      reportProblem(
          options, sink, value.start, value.start,
          std::string("expected a JSON object as array element, found ") + parsed.type_name(),
          value.text);
      continue;
    }
    sink.record({std::move(parsed), value.start.line, value.start.offset});
  }
  context.progress(scanner.cursor().position().offset, scanner.cursor().fileSize(),
                   "read " + options.path);
}

}  // namespace tunebench::builtin
