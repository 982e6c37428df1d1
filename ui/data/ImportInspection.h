#pragma once
// What the import wizard learns from the start of a file before importing it: the first records
// with their lines, the rows that could not be read, and the detected schema. Read on a worker
// thread; mapping the sample for the preview is quick enough for the GUI thread.
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "data/ColumnMapping.h"
#include "data/DatasetImporter.h"

namespace tunebench::ui {

struct ImportInspection {
  QString file;
  std::vector<ImportedRecord> records;  // the first records that could be read
  std::vector<ImportReject> rejects;    // bad rows met among them
  SchemaGuess guess;
  QString error;  // the file could not be read at all
};

// Reads up to `count` records from the start of the file.
ImportInspection inspectImportFile(DatasetImporter& importer, const ImportOptions& options,
                                   size_t count);

// One row of the preview: the record mapped to the kind's fields as the trainer will see them,
// or the problem that would make the import reject it.
struct PreviewRow {
  qint64 line = 0;
  std::vector<std::pair<QString, QString>> fields;
  QString problem;
};

std::vector<PreviewRow> previewRows(const ImportInspection& inspection,
                                    const ColumnMapping& mapping, size_t count);

}  // namespace tunebench::ui
