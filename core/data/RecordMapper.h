#pragma once
// Turns imported records into typed examples through a ColumnMapping. A record that lacks a
// mapped field, or has one of the wrong type, is an error naming the file, line, byte offset and
// field; with "skip bad rows" it becomes a reject instead.
#include <string>

#include "data/ColumnMapping.h"
#include "data/DatasetImporter.h"

namespace tunebench {

// Throws tunebench::Error "line L (byte offset B): field \"output\": missing" and the like.
Example mapRecord(const ImportedRecord& record, const ColumnMapping& mapping);

// A RecordSink that maps records as an importer streams them, so that only typed examples are
// kept. Forwards raw records to `raw` when given (to persist the import as read).
class MappingSink : public RecordSink {
 public:
  MappingSink(ColumnMapping mapping, std::string path, bool skipBadRows, RecordSink* raw = nullptr);

  void record(ImportedRecord&& record) override;
  void reject(ImportReject&& reject) override;

  Dataset& dataset() { return dataset_; }
  const std::vector<ImportReject>& rejects() const { return rejects_; }

 private:
  ColumnMapping mapping_;
  std::string path_;
  bool skipBadRows_;
  RecordSink* raw_;
  Dataset dataset_;
  std::vector<ImportReject> rejects_;
  int64_t index_ = 0;
};

}  // namespace tunebench
