#pragma once
// JSON Lines: one JSON object per line. Blank lines are skipped.
// Parsed with simdjson. Settings: {"maxLineBytes": 16777216, "readBufferBytes": 1048576}.
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

class JsonLinesImporter : public DatasetImporter {
 public:
  std::string id() const override { return "jsonl"; }
  std::string displayName() const override { return "JSON Lines"; }
  std::vector<std::string> fileExtensions() const override { return {"jsonl", "ndjson"}; }
  void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) override;
};

}  // namespace tunebench::builtin
