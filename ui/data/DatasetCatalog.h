#pragma once
// The project's datasets and their versions as the Data panel lists them: read on a worker
// thread through a read-only connection, then handed to the GUI thread whole.
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <utility>
#include <vector>

#include "Stage.h"

namespace tunebench::ui {

struct VersionSummary {
  qint64 id = 0;
  qint64 number = 0;
  qint64 parentNumber = 0;  // 0: none (the import)
  QString madeBy;           // "import", "split", "balance", "clean: step, step", ...
  QString balance;     // how a balanced version was made: "oversample of “label”, seed 7: ..."
  QString labelField;  // the field of a classification version's label, else empty
  qint64 rows = 0;
  qint64 rejects = 0;
  QDateTime created;
  bool hasSplit = false;
  std::vector<std::pair<QString, qint64>> splitCounts;  // split name ("" none) -> rows
  qint64 splitRows(const QString& split) const;
};

struct DatasetSummary {
  qint64 id = 0;
  QString name;
  QString kind;  // instruction, chat, preference, text, classification
  QString source;
  // The mapped fields in the order of the kind's parts (instruction, input, output, ...), then
  // the parts' own names (the fields of cleaned versions).
  QStringList fieldOrder;
  QString problem;  // why the dataset's recorded mapping cannot be read; empty when it can
  std::vector<VersionSummary> versions;  // oldest first
  const VersionSummary* findVersion(qint64 number) const;
};

struct DatasetCatalog {
  std::vector<DatasetSummary> datasets;
  const DatasetSummary* findDataset(qint64 id) const;
};

// Throws tunebench::Error when the project cannot be read.
DatasetCatalog readDatasetCatalog(const std::string& projectFile);

// Done: some version has train and validation rows; NeedsAttention: datasets but none split so;
// NotYet: no datasets.
StageState dataStageState(const DatasetCatalog& catalog);

}  // namespace tunebench::ui
