#pragma once
// A stored dataset version read on a worker thread for the Data panel's widgets: the typed rows,
// and which version they are. Version 0 means the newest.
#include <QString>
#include <memory>

#include "data/Example.h"

namespace tunebench {
class JobContext;
}

namespace tunebench::ui {

struct DatasetVersionData {
  qint64 datasetId = 0;
  qint64 versionId = 0;
  int versionNumber = 0;
  QString datasetName;
  std::shared_ptr<const Dataset> data;
};

// Throws tunebench::Error naming the project and what is missing.
DatasetVersionData readDatasetVersion(const QString& projectFile, qint64 datasetId,
                                      int versionNumber, JobContext& context);

// "mail v2": how a version is named in messages.
QString describeVersion(const DatasetVersionData& version);

}  // namespace tunebench::ui
