#include "store/DatasetRepository.h"

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"

namespace tunebench::store {

namespace {

constexpr const char* kVersionColumns =
    "SELECT id, dataset_id, number, parent_version_id, record_count, reject_count, created_at, "
    "row_format, split_settings FROM dataset_version ";

DatasetVersionRecord readVersion(const Statement& row) {
  DatasetVersionRecord version{row.int64(0),         row.int64(1), row.int64(2),
                               row.optionalInt64(3), row.int64(4), row.int64(5),
                               row.real(6),          row.text(7),  std::nullopt};
  if (!row.isNull(8)) version.splitSettings = row.text(8);
  return version;
}

constexpr const char* kDatasetColumns =
    "SELECT id, name, source_path, source_sha256, import_options, detected_schema, created_at "
    "FROM dataset ";

DatasetRecord readDataset(const Statement& row) {
  return {row.int64(0), row.text(1), row.text(2), row.text(3),
          row.text(4),  row.text(5), row.real(6)};
}

}  // namespace

int64_t DatasetRepository::createDataset(const NewDataset& dataset) {
  auto& db = store_.db();
  db.prepare(
        "INSERT INTO dataset (name, source_path, source_sha256, import_options, "
        "detected_schema, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bindAll(dataset.name, store_.toProjectPath(dataset.sourcePath), dataset.sourceSha256,
               dataset.importOptions, dataset.detectedSchema, unixTimeNow())
      .run();
  return db.lastInsertId();
}

std::optional<DatasetRecord> DatasetRepository::findDataset(int64_t id) {
  auto select = store_.db().prepare(std::string(kDatasetColumns) + "WHERE id = ?");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  return readDataset(select);
}

std::optional<DatasetRecord> DatasetRepository::findDatasetByName(const std::string& name) {
  auto select = store_.db().prepare(std::string(kDatasetColumns) + "WHERE name = ?");
  select.bind(1, name);
  if (!select.step()) return std::nullopt;
  return readDataset(select);
}

std::vector<DatasetRecord> DatasetRepository::datasets() {
  auto select = store_.db().prepare(std::string(kDatasetColumns) + "ORDER BY name");
  std::vector<DatasetRecord> result;
  while (select.step()) result.push_back(readDataset(select));
  return result;
}

int64_t DatasetRepository::createVersion(int64_t datasetId, std::optional<int64_t> parentVersionId,
                                         const std::vector<RecipeStep>& recipe,
                                         const std::string& rowFormat) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO dataset_version (dataset_id, number, parent_version_id, created_at, "
        "row_format) VALUES (?1, (SELECT coalesce(MAX(number), 0) + 1 FROM dataset_version "
        "WHERE dataset_id = ?1), ?2, ?3, ?4)")
      .bindAll(datasetId, parentVersionId, unixTimeNow(), rowFormat)
      .run();
  const int64_t id = db.lastInsertId();
  auto insert = db.prepare(
      "INSERT INTO dataset_recipe_step (version_id, position, operation, params, report) "
      "VALUES (?, ?, ?, ?, ?)");
  for (size_t i = 0; i < recipe.size(); ++i)
    insert
        .bindAll(id, static_cast<int64_t>(i), recipe[i].operation, recipe[i].params,
                 recipe[i].report)
        .run();
  transaction.commit();
  return id;
}

std::optional<DatasetVersionRecord> DatasetRepository::findVersion(int64_t versionId) {
  auto select = store_.db().prepare(std::string(kVersionColumns) + "WHERE id = ?");
  select.bind(1, versionId);
  if (!select.step()) return std::nullopt;
  return readVersion(select);
}

std::optional<DatasetVersionRecord> DatasetRepository::findVersionByNumber(int64_t datasetId,
                                                                           int64_t number) {
  auto select =
      store_.db().prepare(std::string(kVersionColumns) + "WHERE dataset_id = ? AND number = ?");
  select.bindAll(datasetId, number);
  if (!select.step()) return std::nullopt;
  return readVersion(select);
}

std::vector<DatasetVersionRecord> DatasetRepository::versions(int64_t datasetId) {
  auto select =
      store_.db().prepare(std::string(kVersionColumns) + "WHERE dataset_id = ? ORDER BY number");
  select.bind(1, datasetId);
  std::vector<DatasetVersionRecord> result;
  while (select.step()) result.push_back(readVersion(select));
  return result;
}

std::vector<RecipeStep> DatasetRepository::recipe(int64_t versionId) {
  auto select = store_.db().prepare(
      "SELECT operation, params, report FROM dataset_recipe_step WHERE version_id = ? "
      "ORDER BY position");
  select.bind(1, versionId);
  std::vector<RecipeStep> steps;
  while (select.step()) steps.push_back({select.text(0), select.text(1), select.text(2)});
  return steps;
}

void DatasetRepository::appendRows(int64_t versionId, const std::vector<DatasetRow>& rows) {
  auto& db = store_.db();
  Transaction transaction(db);
  const auto version = findVersion(versionId);
  if (!version) throw Error(db.path() + ": no dataset version " + std::to_string(versionId));
  auto insert = db.prepare(
      "INSERT INTO dataset_record (version_id, row_index, split, data, source_line) "
      "VALUES (?, ?, ?, ?, ?)");
  int64_t index = version->recordCount;
  for (const auto& row : rows) {
    insert.bindAll(versionId, index++);
    if (row.split)
      insert.bind(3, *row.split);
    else
      insert.bindNull(3);
    insert.bind(4, row.data).bind(5, row.sourceLine).run();
  }
  db.prepare("UPDATE dataset_version SET record_count = ? WHERE id = ?")
      .bindAll(index, versionId)
      .run();
  transaction.commit();
}

void DatasetRepository::appendRejects(int64_t versionId,
                                      const std::vector<DatasetReject>& rejects) {
  auto& db = store_.db();
  Transaction transaction(db);
  auto insert =
      db.prepare("INSERT INTO dataset_reject (version_id, line, reason, raw) VALUES (?, ?, ?, ?)");
  for (const auto& reject : rejects)
    insert.bindAll(versionId, reject.line, reject.reason, reject.raw).run();
  db.prepare(
        "UPDATE dataset_version SET reject_count = (SELECT COUNT(*) FROM dataset_reject "
        "WHERE version_id = ?1) WHERE id = ?1")
      .bind(1, versionId)
      .run();
  transaction.commit();
}

void DatasetRepository::assignSplit(int64_t versionId, int64_t first, int64_t count,
                                    const std::string& split) {
  store_.db()
      .prepare(
          "UPDATE dataset_record SET split = ? WHERE version_id = ? "
          "AND row_index >= ? AND row_index < ?")
      .bindAll(split, versionId, first, first + count)
      .run();
}

void DatasetRepository::setSplitSettings(int64_t versionId, const std::string& settings) {
  store_.db()
      .prepare("UPDATE dataset_version SET split_settings = ? WHERE id = ?")
      .bindAll(settings, versionId)
      .run();
}

std::vector<std::pair<std::string, int64_t>> DatasetRepository::splitCounts(int64_t versionId) {
  auto select = store_.db().prepare(
      "SELECT coalesce(split, ''), COUNT(*) FROM dataset_record WHERE version_id = ? "
      "GROUP BY 1 ORDER BY 1");
  select.bind(1, versionId);
  std::vector<std::pair<std::string, int64_t>> counts;
  while (select.step()) counts.emplace_back(select.text(0), select.int64(1));
  return counts;
}

std::vector<DatasetRow> DatasetRepository::page(int64_t versionId, int64_t offset, int64_t limit) {
  // A range on the primary key rather than OFFSET, which would step over every skipped row.
  auto select = store_.db().prepare(
      "SELECT row_index, split, data, source_line FROM dataset_record WHERE version_id = ? "
      "AND row_index >= ? ORDER BY row_index LIMIT ?");
  select.bindAll(versionId, offset, limit);
  std::vector<DatasetRow> rows;
  while (select.step())
    rows.push_back({select.int64(0),
                    select.isNull(1) ? std::nullopt : std::optional<std::string>(select.text(1)),
                    select.text(2), select.optionalInt64(3)});
  return rows;
}

std::vector<DatasetReject> DatasetRepository::rejects(int64_t versionId, int64_t offset,
                                                      int64_t limit) {
  auto select = store_.db().prepare(
      "SELECT line, reason, raw FROM dataset_reject WHERE version_id = ? ORDER BY line "
      "LIMIT ? OFFSET ?");
  select.bindAll(versionId, limit, offset);
  std::vector<DatasetReject> result;
  while (select.step()) result.push_back({select.int64(0), select.text(1), select.text(2)});
  return result;
}

}  // namespace tunebench::store
