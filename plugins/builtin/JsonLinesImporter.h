#pragma once
// JSON Lines: one JSON object per line. Blank lines are skipped.
// Settings: {"maxLineBytes": 16777216}.
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
