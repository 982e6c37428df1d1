#include "store/RunRepository.h"

#include <algorithm>
#include <cerrno>
#include <csignal>

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"

namespace tunebench::store {

namespace {

constexpr const char* kStatusNames[] = {"queued", "running", "paused",     "completed",
                                        "failed", "stopped", "interrupted"};

bool processExists(int64_t pid) {
  if (pid <= 0) return false;
  // EPERM means it exists but belongs to someone else.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

constexpr const char* kRunColumns =
    "id, name, study_id, model_id, dataset_version_id, config, status, created_at, started_at, "
    "finished_at, heartbeat_at, owner_pid, environment, notes, "
    "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM run_tag WHERE run_id = run.id "
    "ORDER BY tag))";

RunRecord readRun(const Statement& row) {
  RunRecord run;
  run.id = row.int64(0);
  run.name = row.text(1);
  run.studyId = row.optionalInt64(2);
  run.modelId = row.optionalInt64(3);
  run.datasetVersionId = row.optionalInt64(4);
  run.config = row.text(5);
  run.status = parseRunStatus(row.text(6));
  run.createdAt = row.real(7);
  run.startedAt = row.optionalReal(8);
  run.finishedAt = row.optionalReal(9);
  run.heartbeatAt = row.optionalReal(10);
  run.ownerPid = row.optionalInt64(11);
  run.environment = row.text(12);
  run.notes = row.text(13);
  const std::string tags = row.text(14);
  size_t start = 0;
  while (!tags.empty() && start <= tags.size()) {
    const size_t end = std::min(tags.find('\x1f', start), tags.size());
    run.tags.push_back(tags.substr(start, end - start));
    start = end + 1;
  }
  return run;
}

void requireOneChange(Connection& db, int64_t id) {
  if (db.changes() != 1) throw Error(db.path() + ": no run with id " + std::to_string(id));
}

}  // namespace

const char* runStatusName(RunStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

RunStatus parseRunStatus(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(RunStatus::Interrupted); ++i)
    if (name == kStatusNames[i]) return static_cast<RunStatus>(i);
  throw Error("unknown run status '" + name + "'");
}

bool isFinished(RunStatus status) {
  return status == RunStatus::Completed || status == RunStatus::Failed ||
         status == RunStatus::Stopped || status == RunStatus::Interrupted;
}

int64_t RunRepository::ensureStudy(const std::string& name) {
  auto& db = store_.db();
  db.prepare("INSERT INTO study (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
      .bindAll(name, unixTimeNow())
      .run();
  auto select = db.prepare("SELECT id FROM study WHERE name = ?");
  select.bind(1, name);
  if (!select.step()) throw Error(db.path() + ": study '" + name + "' vanished");
  return select.int64(0);
}

int64_t RunRepository::create(const NewRun& run) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO run (name, study_id, model_id, dataset_version_id, config, status, "
        "created_at, environment, notes) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)")
      .bindAll(run.name, run.studyId, run.modelId, run.datasetVersionId, run.config, unixTimeNow(),
               run.environment, run.notes)
      .run();
  const int64_t id = db.lastInsertId();
  for (const auto& tag : run.tags) addTag(id, tag);
  transaction.commit();
  return id;
}

std::optional<RunRecord> RunRepository::find(int64_t id) {
  auto select =
      store_.db().prepare(std::string("SELECT ") + kRunColumns + " FROM run WHERE id = ?");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  return readRun(select);
}

std::vector<RunRecord> RunRepository::list(const RunFilter& filter) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM run WHERE 1";
  if (!filter.statuses.empty()) {
    sql += " AND status IN (";
    for (size_t i = 0; i < filter.statuses.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
  }
  if (filter.studyId) sql += " AND study_id = ?";
  if (filter.tag) sql += " AND id IN (SELECT run_id FROM run_tag WHERE tag = ?)";
  if (!filter.nameContains.empty()) sql += " AND instr(lower(name), lower(?)) > 0";
  // Column names come from this fixed table, never from the caller.
  static const char* const kSortColumns[] = {"created_at", "name COLLATE NOCASE", "status",
                                             "started_at", "finished_at"};
  const char* direction = filter.descending ? " DESC" : " ASC";
  // Runs without the time sorted by (not started, not finished) come last either way.
  sql += std::string(" ORDER BY ") + kSortColumns[static_cast<int>(filter.sortBy)] + direction +
         " NULLS LAST, id" + direction + " LIMIT ? OFFSET ?";

  auto select = store_.db().prepare(sql);
  int index = 0;
  for (auto status : filter.statuses) select.bind(++index, runStatusName(status));
  if (filter.studyId) select.bind(++index, *filter.studyId);
  if (filter.tag) select.bind(++index, *filter.tag);
  if (!filter.nameContains.empty()) select.bind(++index, filter.nameContains);
  select.bind(++index, filter.limit);
  select.bind(++index, filter.offset);
  std::vector<RunRecord> runs;
  while (select.step()) runs.push_back(readRun(select));
  return runs;
}

void RunRepository::markRunning(int64_t id, int64_t ownerPid) {
  auto& db = store_.db();
  Transaction transaction(db);
  const double now = unixTimeNow();
  db.prepare(
        "UPDATE run SET status = 'running', started_at = coalesce(started_at, ?), "
        "finished_at = NULL, heartbeat_at = ?, owner_pid = ? WHERE id = ?")
      .bindAll(now, now, ownerPid, id)
      .run();
  requireOneChange(db, id);
  transaction.commit();
}

void RunRepository::setStatus(int64_t id, RunStatus status) {
  auto& db = store_.db();
  Transaction transaction(db);
  auto update = db.prepare("UPDATE run SET status = ?, finished_at = ? WHERE id = ?");
  update.bind(1, runStatusName(status));
  update.bind(2, isFinished(status) ? std::optional<double>(unixTimeNow()) : std::nullopt);
  update.bind(3, id);
  update.run();
  requireOneChange(db, id);
  transaction.commit();
}

void RunRepository::heartbeat(int64_t id) {
  auto& db = store_.db();
  db.prepare("UPDATE run SET heartbeat_at = ? WHERE id = ?").bindAll(unixTimeNow(), id).run();
  requireOneChange(db, id);
}

void RunRepository::rename(int64_t id, const std::string& name) {
  if (name.empty()) throw Error("a run needs a non-empty name");
  auto& db = store_.db();
  db.prepare("UPDATE run SET name = ? WHERE id = ?").bindAll(name, id).run();
  requireOneChange(db, id);
}

void RunRepository::setNotes(int64_t id, const std::string& notes) {
  auto& db = store_.db();
  db.prepare("UPDATE run SET notes = ? WHERE id = ?").bindAll(notes, id).run();
  requireOneChange(db, id);
}

void RunRepository::addTag(int64_t id, const std::string& tag) {
  if (tag.empty() || tag.find('\x1f') != std::string::npos)
    throw Error("run tag '" + tag + "' is empty or holds a control character");
  store_.db()
      .prepare("INSERT INTO run_tag (run_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bindAll(id, tag)
      .run();
}

void RunRepository::removeTag(int64_t id, const std::string& tag) {
  store_.db().prepare("DELETE FROM run_tag WHERE run_id = ? AND tag = ?").bindAll(id, tag).run();
}

void RunRepository::setTags(int64_t id, const std::vector<std::string>& tags) {
  auto& db = store_.db();
  Transaction transaction(db);
  if (!find(id)) throw Error(db.path() + ": no run with id " + std::to_string(id));
  db.prepare("DELETE FROM run_tag WHERE run_id = ?").bind(1, id).run();
  for (const auto& tag : tags) addTag(id, tag);
  transaction.commit();
}

void RunRepository::remove(int64_t id) {
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare("DELETE FROM run WHERE id = ?").bind(1, id).run();
  requireOneChange(db, id);
  transaction.commit();
}

std::vector<int64_t> RunRepository::recoverStaleRuns(std::chrono::milliseconds staleAfter) {
  auto& db = store_.db();
  const double now = unixTimeNow();
  const double cutoff = now - std::chrono::duration<double>(staleAfter).count();
  Transaction transaction(db);
  std::vector<int64_t> stale;
  {
    auto select = db.prepare(
        "SELECT id, owner_pid FROM run WHERE status IN ('running', 'paused') "
        "AND coalesce(heartbeat_at, started_at, created_at) < ?");
    select.bind(1, cutoff);
    while (select.step())
      if (!select.optionalInt64(1) || !processExists(*select.optionalInt64(1)))
        stale.push_back(select.int64(0));
  }
  for (int64_t id : stale)
    db.prepare("UPDATE run SET status = 'interrupted', finished_at = ? WHERE id = ?")
        .bindAll(now, id)
        .run();
  transaction.commit();
  return stale;
}

std::vector<ConfigDifference> RunRepository::configDiff(const std::vector<int64_t>& runIds) {
  std::vector<std::string> configs;
  for (int64_t id : runIds) {
    auto select = store_.db().prepare("SELECT config FROM run WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) throw Error(store_.db().path() + ": no run with id " + std::to_string(id));
    configs.push_back(select.text(0));
  }
  return diffConfigs(configs);
}

}  // namespace tunebench::store
