#include "builtin/PlainTextImporter.h"

#include "builtin/ImportSupport.h"
#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench::builtin {

namespace {

bool isBlank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

}  // namespace

void PlainTextImporter::importFile(const ImportOptions& options, RecordSink& sink,
                                   JobContext& context) {
  std::string unit = "line";
  if (options.settings.is_object() && options.settings.contains("unit"))
    unit = options.settings["unit"].is_string() ? options.settings["unit"].get<std::string>() : "";
  if (unit != "line" && unit != "block" && unit != "file")
    throw Error("import setting unit must be \"line\", \"block\" or \"file\"");

  LineReader reader(options.path, maxLineBytesSetting(options), readBufferSetting(options));
  std::string line;
  std::string document;
  int64_t documentLine = 0;
  int64_t documentOffset = 0;
  auto flush = [&] {
    if (!document.empty())
      sink.record({nlohmann::json{{"text", document}}, documentLine, documentOffset});
    document.clear();
  };

  while (reader.next(line) && keepGoing(reader, context)) {
    if (rejectLongLine(options, reader, sink)) continue;
    size_t skipped = 0;
    if (reader.lineNumber() == 1) {
      const size_t size = line.size();
      line = std::string(stripUtf8Bom(line));
      skipped = size - line.size();
    }
    if (const size_t bad = findInvalidUtf8(line); bad != std::string::npos) {
      reportBadRow(options, reader, sink, characterCount(line, bad) + 1,
                   static_cast<int64_t>(skipped + bad), "invalid UTF-8", line);
      continue;
    }
    if (unit == "line") {
      if (!isBlank(line))
        sink.record({nlohmann::json{{"text", line}}, reader.lineNumber(), reader.lineOffset()});
      continue;
    }
    if (unit == "block" && isBlank(line)) {
      flush();
      continue;
    }
    if (document.empty()) {
      documentLine = reader.lineNumber();
      documentOffset = reader.lineOffset();
    } else {
      document += '\n';
    }
    document += line;
  }
  if (!context.isCanceled()) flush();
  context.progress(reader.bytesRead(), reader.fileSize(), "read " + options.path);
}

}  // namespace tunebench::builtin
