#include "data/DatasetVersionRead.h"

#include "common/Error.h"
#include "store/DatasetVersions.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

DatasetVersionData readDatasetVersion(const QString& projectFile, qint64 datasetId,
                                      int versionNumber, JobContext& context) {
  store::OpenOptions options;
  options.readOnly = true;
  const std::string file = projectFile.toStdString();
  auto project = store::ProjectStore::open(file, options);
  store::DatasetRepository repository(project);
  const auto dataset = repository.findDataset(datasetId);
  if (!dataset) throw Error(file + ": no dataset with id " + std::to_string(datasetId));
  std::optional<store::DatasetVersionRecord> version;
  if (versionNumber > 0) {
    version = repository.findVersionByNumber(datasetId, versionNumber);
  } else {
    const auto versions = repository.versions(datasetId);
    for (const auto& v : versions)
      if (!version || v.number > version->number) version = v;
  }
  if (!version)
    throw Error(file + ": dataset \"" + dataset->name + "\" has no version " +
                (versionNumber > 0 ? std::to_string(versionNumber) : std::string("yet")));
  auto loaded = store::loadVersion(project, version->id, context);
  DatasetVersionData out;
  out.datasetId = datasetId;
  out.versionId = version->id;
  out.versionNumber = int(version->number);
  out.datasetName = QString::fromStdString(dataset->name);
  out.data = std::make_shared<const Dataset>(std::move(loaded.data));
  return out;
}

QString describeVersion(const DatasetVersionData& version) {
  return QStringLiteral("%1 v%2").arg(version.datasetName).arg(version.versionNumber);
}

}  // namespace tunebench::ui
