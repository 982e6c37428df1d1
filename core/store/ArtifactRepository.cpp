#include "store/ArtifactRepository.h"

#include "common/Error.h"
#include "common/FolderDigest.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"

namespace tunebench::store {

namespace {

CheckpointRecord readCheckpoint(const Statement& row) {
  return {row.int64(0), row.int64(1),      row.int64(2), row.text(3),
          row.text(4),  row.int64(5) != 0, row.real(6)};
}

constexpr const char* kCheckpointColumns =
    "SELECT id, run_id, step, path, sha256, complete, created_at FROM checkpoint ";

}  // namespace

int64_t CheckpointRepository::add(int64_t runId, int64_t step, const std::filesystem::path& path,
                                  const std::string& sha256, bool complete) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO checkpoint (run_id, step, path, sha256, complete, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bindAll(runId, step, store_.toProjectPath(path), sha256, complete ? 1 : 0, unixTimeNow())
      .run();
  const int64_t id = db.lastInsertId();
  transaction.commit();
  return id;
}

void CheckpointRepository::markComplete(int64_t id) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare("UPDATE checkpoint SET complete = 1 WHERE id = ?").bind(1, id).run();
  if (db.changes() != 1) throw Error(db.path() + ": no checkpoint with id " + std::to_string(id));
  transaction.commit();
}

void CheckpointRepository::remove(int64_t id) {
  store_.db().prepare("DELETE FROM checkpoint WHERE id = ?").bind(1, id).run();
}

std::vector<CheckpointRecord> CheckpointRepository::forRun(int64_t runId) {
  auto select =
      store_.db().prepare(std::string(kCheckpointColumns) + "WHERE run_id = ? ORDER BY step");
  select.bind(1, runId);
  std::vector<CheckpointRecord> checkpoints;
  while (select.step()) checkpoints.push_back(readCheckpoint(select));
  return checkpoints;
}

std::optional<CheckpointRecord> CheckpointRepository::latestComplete(int64_t runId) {
  auto select = store_.db().prepare(std::string(kCheckpointColumns) +
                                    "WHERE run_id = ? AND complete = 1 ORDER BY step DESC LIMIT 1");
  select.bind(1, runId);
  if (!select.step()) return std::nullopt;
  return readCheckpoint(select);
}

int64_t ExportRepository::add(std::optional<int64_t> runId, std::optional<int64_t> checkpointId,
                              const std::string& format, const std::filesystem::path& path,
                              const std::string& sha256) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO export (run_id, checkpoint_id, format, path, sha256, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bindAll(runId, checkpointId, format, store_.toProjectPath(path), sha256, unixTimeNow())
      .run();
  const int64_t id = db.lastInsertId();
  transaction.commit();
  return id;
}

std::vector<ExportRecord> ExportRepository::list() {
  auto select = store_.db().prepare(
      "SELECT id, run_id, checkpoint_id, format, path, sha256, created_at FROM export ORDER BY id");
  std::vector<ExportRecord> exports;
  while (select.step())
    exports.push_back({select.int64(0), select.optionalInt64(1), select.optionalInt64(2),
                       select.text(3), select.text(4), select.text(5), select.real(6)});
  return exports;
}

int64_t ModelRepository::add(const std::string& name, const std::filesystem::path& folder,
                             const std::string& architecture, const std::string& sha256) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO model (name, folder, architecture, sha256, created_at) "
        "VALUES (?, ?, ?, ?, ?)")
      .bindAll(name, store_.toProjectPath(folder), architecture, sha256, unixTimeNow())
      .run();
  const int64_t id = db.lastInsertId();
  transaction.commit();
  return id;
}

std::optional<ModelRecord> ModelRepository::find(int64_t id) {
  auto select = store_.db().prepare(
      "SELECT id, name, folder, architecture, sha256, created_at FROM model WHERE id = ?");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  return ModelRecord{select.int64(0), select.text(1), select.text(2),
                     select.text(3),  select.text(4), select.real(5)};
}

int64_t CheckpointRepository::findOrRegister(int64_t runId, int64_t step,
                                             const std::filesystem::path& folder) {
  for (const auto& checkpoint : forRun(runId))
    if (checkpoint.step == step) return checkpoint.id;
  return add(runId, step, folder, folderSha256(folder.string()), true);
}

std::optional<ModelRecord> ModelRepository::findByFolder(const std::filesystem::path& folder) {
  std::error_code ignored;
  const auto wanted = std::filesystem::weakly_canonical(folder, ignored);
  for (auto& model : list())
    if (std::filesystem::weakly_canonical(store_.resolve(model.folder), ignored) == wanted)
      return model;
  return std::nullopt;
}

std::vector<ModelRecord> ModelRepository::list() {
  auto select = store_.db().prepare(
      "SELECT id, name, folder, architecture, sha256, created_at FROM model ORDER BY name, id");
  std::vector<ModelRecord> models;
  while (select.step())
    models.push_back({select.int64(0), select.text(1), select.text(2), select.text(3),
                      select.text(4), select.real(5)});
  return models;
}

std::vector<std::string> referencedPaths(ProjectStore& store) {
  auto select = store.db().prepare(
      "SELECT path FROM checkpoint UNION SELECT path FROM export UNION SELECT folder FROM model "
      "UNION SELECT source_path FROM dataset ORDER BY 1");
  std::vector<std::string> paths;
  while (select.step()) paths.push_back(select.text(0));
  return paths;
}

}  // namespace tunebench::store
