#include "data/DatasetCatalog.h"

#include <QObject>
#include <QStringList>
#include <nlohmann/json.hpp>

#include "common/JsonFile.h"
#include "data/ColumnMapping.h"
#include "store/DatasetBalancing.h"
#include "store/DatasetRepository.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

QString describeSteps(const std::vector<store::RecipeStep>& steps) {
  if (steps.size() == 1 &&
      (steps.front().operation == "split" || steps.front().operation == store::kBalanceOperation))
    return QString::fromStdString(steps.front().operation);
  QStringList operations;
  for (const auto& step : steps) operations << QString::fromStdString(step.operation);
  return operations.isEmpty() ? QStringLiteral("clean")
                              : QStringLiteral("clean: ") + operations.join(QStringLiteral(", "));
}

// The kind's parts in the order a reader expects them.
const char* const kPartOrder[] = {"instruction", "input",    "output", "prompt", "messages",
                                  "chosen",      "rejected", "text",   "label"};

void describeMapping(const store::DatasetRecord& record, DatasetSummary& dataset) {
  try {
    const auto mapping =
        ColumnMapping::fromJson(parseJson(record.detectedSchema, "the column mapping"));
    dataset.kind = QString::fromLatin1(datasetKindName(mapping.kind));
    for (const char* part : kPartOrder) {
      const auto found = mapping.columns.find(part);
      if (found != mapping.columns.end())
        dataset.fieldOrder << QString::fromStdString(found->second);
    }
    for (const char* part : kPartOrder) dataset.fieldOrder << QString::fromLatin1(part);
    dataset.fieldOrder.removeDuplicates();
  } catch (const std::exception& e) {
    // Kept and shown: a project edited by hand or by a newer release still lists the dataset.
    dataset.kind = QObject::tr("unknown kind");
    dataset.problem = QObject::tr("its recorded column mapping cannot be read: %1")
                          .arg(QString::fromUtf8(e.what()));
  }
}

QString describeBalance(const store::StoredBalance& balance) {
  QStringList counts;
  for (const auto& [label, before] : balance.before) {
    const auto after = balance.after.find(label);
    counts << QObject::tr("%1 %2 → %3")
                  .arg(QString::fromStdString(label))
                  .arg(before)
                  .arg(after == balance.after.end() ? 0 : after->second);
  }
  return QObject::tr("%1 of “%2”, seed %3: %4")
      .arg(QString::fromStdString(balance.request.method),
           QString::fromStdString(balance.request.labelField))
      .arg(balance.request.seed)
      .arg(counts.join(QStringLiteral(", ")));
}

}  // namespace

qint64 VersionSummary::splitRows(const QString& split) const {
  for (const auto& [name, count] : splitCounts)
    if (name == split) return count;
  return 0;
}

const VersionSummary* DatasetSummary::findVersion(qint64 number) const {
  for (const auto& version : versions)
    if (version.number == number) return &version;
  return nullptr;
}

const DatasetSummary* DatasetCatalog::findDataset(qint64 id) const {
  for (const auto& dataset : datasets)
    if (dataset.id == id) return &dataset;
  return nullptr;
}

DatasetCatalog readDatasetCatalog(const std::string& projectFile) {
  store::OpenOptions options;
  options.readOnly = true;
  auto project = store::ProjectStore::open(projectFile, options);
  store::DatasetRepository repository(project);
  DatasetCatalog catalog;
  for (const auto& record : repository.datasets()) {
    DatasetSummary dataset;
    dataset.id = record.id;
    dataset.name = QString::fromStdString(record.name);
    describeMapping(record, dataset);
    dataset.source = QString::fromStdString(record.sourcePath);
    const auto versions = repository.versions(record.id);
    for (const auto& v : versions) {
      VersionSummary version;
      version.id = v.id;
      version.number = v.number;
      version.rows = v.recordCount;
      version.rejects = v.rejectCount;
      version.created = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(v.createdAt * 1000.0));
      if (v.parentVersionId) {
        for (const auto& parent : versions)
          if (parent.id == *v.parentVersionId) version.parentNumber = parent.number;
        version.madeBy = describeSteps(repository.recipe(v.id));
        if (const auto balance = store::storedBalance(repository, v.id))
          version.balance = describeBalance(*balance);
      } else {
        version.madeBy = QStringLiteral("import");
      }
      version.labelField = QString::fromStdString(store::defaultLabelField(record, v));
      if (v.splitSettings) {
        version.hasSplit = true;
        for (const auto& [name, count] : repository.splitCounts(v.id))
          version.splitCounts.emplace_back(QString::fromStdString(name), count);
      }
      dataset.versions.push_back(std::move(version));
    }
    catalog.datasets.push_back(std::move(dataset));
  }
  return catalog;
}

StageState dataStageState(const DatasetCatalog& catalog) {
  if (catalog.datasets.empty()) return StageState::NotYet;
  for (const auto& dataset : catalog.datasets)
    for (const auto& version : dataset.versions)
      if (version.splitRows(QStringLiteral("train")) > 0 &&
          version.splitRows(QStringLiteral("validation")) > 0)
        return StageState::Done;
  return StageState::NeedsAttention;
}

}  // namespace tunebench::ui
