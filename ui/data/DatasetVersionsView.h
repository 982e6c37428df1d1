#pragma once
// The project's datasets, each with its versions: number, the version it was made from, what
// made it (import, clean, split, balance), rows and date.
#include <QTreeWidget>

#include "data/DatasetCatalog.h"

namespace tunebench::ui {

class DatasetVersionsView : public QTreeWidget {
  Q_OBJECT
 public:
  enum Column { kVersion, kParent, kMadeBy, kRows, kDate, kColumns };

  explicit DatasetVersionsView(QWidget* parent = nullptr);

  // Keeps the selected version when it is still there.
  void setCatalog(const DatasetCatalog& catalog);
  bool select(qint64 datasetId, qint64 number);
  qint64 selectedDataset() const;
  qint64 selectedVersion() const;  // 0: a dataset row or nothing

 signals:
  void versionSelected(qint64 datasetId, qint64 number);
};

}  // namespace tunebench::ui
