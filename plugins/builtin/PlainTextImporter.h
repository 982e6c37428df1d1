#pragma once
// Plain text for continued pretraining. Settings: {"unit": "line" | "block" | "file"} — one
// record per non-empty line, per blank-line-separated block, or for the whole file; each record
// has one field, "text". "readBufferBytes" sets the read size.
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

class PlainTextImporter : public DatasetImporter {
 public:
  std::string id() const override { return "text"; }
  std::string displayName() const override { return "Plain text"; }
  std::vector<std::string> fileExtensions() const override { return {"txt", "text", "md"}; }
  void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) override;
};

}  // namespace tunebench::builtin
