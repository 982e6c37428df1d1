#include "builtin/ImportSupport.h"

#include "common/Error.h"

namespace tunebench::builtin {

size_t maxLineBytesSetting(const ImportOptions& options) {
  if (options.settings.is_object() && options.settings.contains("maxLineBytes")) {
    const auto& value = options.settings["maxLineBytes"];
    if (!value.is_number_unsigned() || value.get<uint64_t>() == 0)
      throw Error("import setting maxLineBytes must be a positive integer");
    return value.get<size_t>();
  }
  return kDefaultMaxLineBytes;
}

void reportBadRow(const ImportOptions& options, const LineReader& reader, RecordSink& sink,
                  const std::string& problem, const std::string& rawText) {
  if (!options.skipBadRows)
    throw Error(reader.path() + ": line " + std::to_string(reader.lineNumber()) +
                " (byte offset " + std::to_string(reader.lineOffset()) + "): " + problem +
                ". Fix the row, or import with \"skip bad rows\" to store it as a reject.");
  sink.reject({reader.lineNumber(), reader.lineOffset(), problem, rawText.substr(0, 200)});
}

bool keepGoing(const LineReader& reader, JobContext& context) {
  if (reader.lineNumber() % 4096 == 0) {
    context.waitIfPaused();
    context.progress(reader.bytesRead(), reader.fileSize(), "reading " + reader.path());
  }
  return !context.isCanceled();
}

}  // namespace tunebench::builtin
