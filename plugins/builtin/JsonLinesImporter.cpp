#include "builtin/JsonLinesImporter.h"

#include "builtin/ImportSupport.h"
#include "builtin/JsonText.h"
#include "common/Utf8.h"

namespace tunebench::builtin {

void JsonLinesImporter::importFile(const ImportOptions& options, RecordSink& sink,
                                   JobContext& context) {
  LineReader reader(options.path, maxLineBytesSetting(options), readBufferSetting(options));
  JsonTextParser parser;
  std::string_view line;
  while (reader.next(line) && keepGoing(reader, context)) {
    if (rejectLongLine(options, reader, sink)) continue;
    std::string_view text = line;
    if (reader.lineNumber() == 1) text = stripUtf8Bom(text);
    const size_t skipped = line.size() - text.size();
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    auto bad = [&](size_t byte, const std::string& problem) {
      reportBadRow(options, reader, sink, characterCount(text, byte) + 1,
                   static_cast<int64_t>(skipped + byte), problem, line);
    };
    if (const size_t invalid = findInvalidUtf8(text); invalid != std::string_view::npos) {
      bad(invalid, "invalid UTF-8");
      continue;
    }
    nlohmann::json value;
    if (auto problem = parser.parse(text, value)) {
      bad(problem->byte, problem->problem);
      continue;
    }
    if (!value.is_object()) {
      bad(first, std::string("expected a JSON object, found ") + value.type_name());
      continue;
    }
    sink.record({std::move(value), reader.lineNumber(), reader.lineOffset()});
  }
  context.progress(reader.bytesRead(), reader.fileSize(), "read " + options.path);
}

}  // namespace tunebench::builtin
