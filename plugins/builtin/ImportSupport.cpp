#include "builtin/ImportSupport.h"

#include "common/Error.h"

namespace tunebench::builtin {

size_t sizeSetting(const ImportOptions& options, const char* name, size_t fallback) {
  if (options.settings.is_object() && options.settings.contains(name)) {
    const auto& value = options.settings[name];
    // A JSON literal like 50 parses as a signed integer: accept any integer above zero.
    if (!value.is_number_integer() || value.get<int64_t>() <= 0)
      throw Error(std::string("import setting ") + name + " must be a positive integer");
    return value.get<size_t>();
  }
  return fallback;
}

size_t maxLineBytesSetting(const ImportOptions& options) {
  return sizeSetting(options, "maxLineBytes", kDefaultMaxLineBytes);
}

size_t readBufferSetting(const ImportOptions& options) {
  return sizeSetting(options, "readBufferBytes", LineReader::kDefaultBufferBytes);
}

std::string describePosition(const TextPosition& at) {
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
         " (byte offset " + std::to_string(at.offset) + ")";
}

void reportProblem(const ImportOptions& options, RecordSink& sink, const TextPosition& at,
                   const TextPosition& recordStart, const std::string& problem,
                   const std::string& rawText) {
  const std::string located = describePosition(at) + ": " + problem;
  if (!options.skipBadRows)
    throw Error(options.path + ": " + located +
                ". Fix the row, or import with \"skip bad rows\" to store it as a reject.");
  sink.reject({recordStart.line, recordStart.offset, located, rawText.substr(0, 200)});
}

void reportBadRow(const ImportOptions& options, const LineReader& reader, RecordSink& sink,
                  int64_t column, int64_t columnOffset, const std::string& problem,
                  std::string_view rawText) {
  const TextPosition at{reader.lineNumber(), column, reader.lineOffset() + columnOffset};
  const TextPosition start{reader.lineNumber(), 1, reader.lineOffset()};
  reportProblem(options, sink, at, start, problem, std::string(rawText.substr(0, 200)));
}

bool rejectLongLine(const ImportOptions& options, const LineReader& reader, RecordSink& sink) {
  if (!reader.lineTooLong()) return false;
  reportBadRow(options, reader, sink, 1, 0,
               "line longer than the limit of " + std::to_string(reader.maxLineBytes()) + " bytes",
               "");
  return true;
}

int64_t characterCount(std::string_view text, size_t bytes) {
  int64_t count = 0;
  for (size_t i = 0; i < bytes && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  return count;
}

bool keepGoing(const LineReader& reader, JobContext& context) {
  if (reader.lineNumber() % 4096 == 0) {
    context.waitIfPaused();
    context.progress(reader.bytesRead(), reader.fileSize(), "reading " + reader.path());
  }
  return !context.isCanceled();
}

bool keepGoing(int64_t records, const TextCursor& cursor, JobContext& context) {
  if (records % 4096 == 0) {
    context.waitIfPaused();
    context.progress(cursor.position().offset, cursor.fileSize(), "reading " + cursor.path());
  }
  return !context.isCanceled();
}

}  // namespace tunebench::builtin
