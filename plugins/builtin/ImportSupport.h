#pragma once
// Helpers shared by the built-in importers: reporting a bad row, progress pacing.
#include <string>

#include "data/LineReader.h"
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

constexpr size_t kDefaultMaxLineBytes = 16u << 20;

size_t maxLineBytesSetting(const ImportOptions& options);

// Throws an Error naming file, line and byte offset, or stores a reject when skipping bad rows.
void reportBadRow(const ImportOptions& options, const LineReader& reader, RecordSink& sink,
                  const std::string& problem, const std::string& rawText);

// Reports progress every 4096 lines; returns false when the job was canceled.
bool keepGoing(const LineReader& reader, JobContext& context);

}  // namespace tunebench::builtin
