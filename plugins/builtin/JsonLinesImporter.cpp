#include "builtin/JsonLinesImporter.h"

#include "builtin/ImportSupport.h"
#include "data/Utf8.h"

namespace tunebench::builtin {

void JsonLinesImporter::importFile(const ImportOptions& options, RecordSink& sink,
                                   JobContext& context) {
  LineReader reader(options.path, maxLineBytesSetting(options));
  std::string line;
  while (reader.next(line) && keepGoing(reader, context)) {
    std::string_view text = line;
    if (reader.lineNumber() == 1) text = stripUtf8Bom(text);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (const size_t bad = findInvalidUtf8(text); bad != std::string_view::npos) {
      reportBadRow(options, reader, sink,
                   "invalid UTF-8 at column " + std::to_string(bad + 1), line);
      continue;
    }
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      // nlohmann's message carries the column ("at line 1, column 17").
      reportBadRow(options, reader, sink, std::string("bad JSON: ") + e.what(), line);
      continue;
    }
    if (!value.is_object()) {
      reportBadRow(options, reader, sink,
                   std::string("expected a JSON object, found ") + value.type_name(), line);
      continue;
    }
    sink.record({std::move(value), reader.lineNumber(), reader.lineOffset()});
  }
  context.progress(reader.bytesRead(), reader.fileSize(), "read " + options.path);
}

}  // namespace tunebench::builtin
