#pragma once
// Helpers shared by the built-in importers: settings, reporting a bad row, progress pacing.
#include <string>

#include "data/LineReader.h"
#include "data/TextCursor.h"
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

constexpr size_t kDefaultMaxLineBytes = 16u << 20;

// A positive integer setting, or `fallback` when absent. Throws Error naming the setting.
size_t sizeSetting(const ImportOptions& options, const char* name, size_t fallback);
size_t maxLineBytesSetting(const ImportOptions& options);
// "readBufferBytes": how much each read from the file takes (any size gives the same result).
size_t readBufferSetting(const ImportOptions& options);

// "line L, column C (byte offset B)"
std::string describePosition(const TextPosition& at);

// Throws an Error "path: line L, column C (byte offset B): problem", or stores a reject for the
// record that starts at `recordStart` when skipping bad rows.
void reportProblem(const ImportOptions& options, RecordSink& sink, const TextPosition& at,
                   const TextPosition& recordStart, const std::string& problem,
                   const std::string& rawText);

// The same for a line-based reader, where the record is the line and `column` is 1-based.
void reportBadRow(const ImportOptions& options, const LineReader& reader, RecordSink& sink,
                  int64_t column, int64_t columnOffset, const std::string& problem,
                  std::string_view rawText);

// Reports a line the reader flagged as over the limit; true when it did.
bool rejectLongLine(const ImportOptions& options, const LineReader& reader, RecordSink& sink);

// Number of UTF-8 characters in text[0, bytes): turns a byte index into a column.
int64_t characterCount(std::string_view text, size_t bytes);

// Reports progress every 4096 lines; returns false when the job was canceled.
bool keepGoing(const LineReader& reader, JobContext& context);
// Reports progress every `every` records of a cursor-based reader.
bool keepGoing(int64_t records, const TextCursor& cursor, JobContext& context);

}  // namespace tunebench::builtin
