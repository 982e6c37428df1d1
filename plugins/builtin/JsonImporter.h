#pragma once
// A JSON document: an array of record objects (streamed, one element in memory at a time) or an
// object of columns {"text": [...], "label": [...]} whose arrays have equal lengths (read whole,
// up to maxDocumentBytes). Settings: {"maxRecordBytes": 16777216, "maxDocumentBytes":
// 268435456, "readBufferBytes": 1048576}.
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

class JsonImporter : public DatasetImporter {
 public:
  std::string id() const override { return "json"; }
  std::string displayName() const override { return "JSON"; }
  std::vector<std::string> fileExtensions() const override { return {"json"}; }
  void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) override;
};

}  // namespace tunebench::builtin
