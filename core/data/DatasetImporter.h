#pragma once
// Plugin interface: reads a dataset file into records (plugin API, plugins/PluginApi.h). It sits
// in data because the import pipeline drives it; the registry (plugins/) lists the importers.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"

namespace tunebench {

// One record as read from the file, before schema mapping. `fields` is a JSON object.
struct ImportedRecord {
  nlohmann::json fields;
  int64_t line = 0;        // 1-based line where the record starts
  int64_t byteOffset = 0;  // byte offset of that line in the file
};

// A row that could not be read. Stored and counted when the user asks to skip bad rows.
struct ImportReject {
  int64_t line = 0;
  int64_t byteOffset = 0;
  std::string problem;
  std::string rawText;  // the offending text, shortened
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void record(ImportedRecord&& record) = 0;
  virtual void reject(ImportReject&& reject) = 0;
};

struct ImportOptions {
  std::string path;
  bool skipBadRows = false;  // false: the first bad row aborts the import with an Error
  nlohmann::json settings;   // importer-specific, documented by each importer
};

class DatasetImporter {
 public:
  virtual ~DatasetImporter() = default;
  virtual std::string id() const = 0;                           // stable, e.g. "jsonl"
  virtual std::string displayName() const = 0;                  // e.g. "JSON Lines"
  virtual std::vector<std::string> fileExtensions() const = 0;  // lower case, without the dot
  // Reads options.path, streaming, reporting progress in bytes. Throws tunebench::Error naming
  // the file, line, byte offset and problem unless options.skipBadRows is set.
  virtual void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) = 0;
};

}  // namespace tunebench
