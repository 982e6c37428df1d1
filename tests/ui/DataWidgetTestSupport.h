#pragma once
// Shared by the Data widget tests: a project with one classification dataset imported through
// the core, and the screenshot folder.
#include <QDir>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "../core/ImportTestSupport.h"
#include "jobs/BasicJobContext.h"
#include "store/DatasetVersions.h"
#include "store/ProjectDatasetImport.h"
#include "store/ProjectStore.h"

namespace datawidgets {

inline QString screenshotPath(const QString& name) {
  QDir().mkpath(QStringLiteral(TUNEBENCH_BINARY_DIR "/screenshots"));
  return QStringLiteral(TUNEBENCH_BINARY_DIR "/screenshots/") + name;
}

// Creates `project` and imports the JSON Lines text as its dataset "mail"; returns its id.
inline qint64 makeProject(const QTemporaryDir& dir, const QString& project,
                          const std::string& jsonl) {
  const auto path = tbtest::writeFile(dir, "mail.jsonl", jsonl);
  auto store = tunebench::store::ProjectStore::create(project.toStdString());
  tunebench::store::ProjectImportRequest request;
  request.options.path = path;
  request.name = "mail";
  tunebench::BasicJobContext context;
  const auto result =
      tunebench::store::importIntoProject(store, *tbtest::importer("jsonl"), request, context);
  return result.datasetId;
}

// The rows of a version as the core loads them.
inline tunebench::Dataset loadRows(const QString& project, qint64 datasetId, int number) {
  tunebench::store::OpenOptions options;
  options.readOnly = true;
  auto store = tunebench::store::ProjectStore::open(project.toStdString(), options);
  tunebench::store::DatasetRepository repository(store);
  const auto version = repository.findVersionByNumber(datasetId, number);
  if (!version) return {};
  tunebench::BasicJobContext context;
  return tunebench::store::loadVersion(store, version->id, context).data;
}

}  // namespace datawidgets
