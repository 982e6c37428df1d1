#include "store/ProjectStore.h"

#include <sqlite3.h>

#include <cstdio>
#include <sstream>

#include "common/Error.h"
#include "store/Migrations.h"
#include "store/RunRepository.h"

namespace tunebench::store {

namespace fs = std::filesystem;

namespace {

std::string hex(int32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", static_cast<unsigned>(value));
  return buffer;
}

void removeProjectFiles(const fs::path& file) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(fs::path(file.string() + suffix), ignored);
}

}  // namespace

ProjectStore::ProjectStore(fs::path file, std::unique_ptr<Connection> connection)
    : file_(std::move(file)), connection_(std::move(connection)) {}

ProjectStore::ProjectStore(ProjectStore&&) noexcept = default;
ProjectStore& ProjectStore::operator=(ProjectStore&&) noexcept = default;
ProjectStore::~ProjectStore() = default;

void ProjectStore::configureConnection(const OpenOptions& options) {
  auto& db = *connection_;
  db.exec("PRAGMA busy_timeout = " + std::to_string(options.busyTimeout.count()));
  db.exec("PRAGMA foreign_keys = ON");
  if (!readOnly_) {
    // WAL lets the GUI read while a training thread writes. Commits are durable (FULL) unless a
    // transaction asks for Relaxed (see Transaction).
    if (db.queryText("PRAGMA journal_mode = WAL") != "wal")
      throw Error(file_.string() + ": cannot switch the project to WAL journal mode");
    db.exec("PRAGMA synchronous = FULL");
  }
}

ProjectStore ProjectStore::create(const fs::path& file) {
  if (fs::exists(file)) throw Error(file.string() + ": cannot create the project: file exists");
  if (!file.parent_path().empty() && !fs::is_directory(file.parent_path()))
    throw Error(file.string() + ": cannot create the project: folder " +
                file.parent_path().string() + " does not exist");
  try {
    ProjectStore store(fs::absolute(file), std::make_unique<Connection>(
                                               file.string(), Connection::Mode::ReadWriteCreate));
    store.configureConnection({});
    store.db().exec("PRAGMA application_id = " + std::to_string(kProjectApplicationId));
    store.schemaVersion_ = migrate(store.db());
    return store;
  } catch (...) {
    // Never leave a half-made project behind.
    removeProjectFiles(file);
    throw;
  }
}

ProjectStore ProjectStore::open(const fs::path& file, const OpenOptions& options) {
  if (!fs::exists(file)) throw Error(file.string() + ": no such project file");
  if (fs::is_directory(file)) throw Error(file.string() + ": is a folder, not a project file");
  // A just-created project may still hold everything in its -wal file.
  if (fs::file_size(file) == 0 && !fs::exists(file.string() + "-wal"))
    throw Error(file.string() + ": not a Tunebench project (empty file)");

  auto mode = options.readOnly ? Connection::Mode::ReadOnly : Connection::Mode::ReadWrite;
  auto connection = std::make_unique<Connection>(file.string(), mode);
  // Before the first read: another connection may be opening the same project (its WAL
  // recovery holds a lock for a moment), and without a timeout this read would fail at once.
  connection->exec("PRAGMA busy_timeout = " + std::to_string(options.busyTimeout.count()));
  int32_t applicationId = 0;
  int version = 0;
  try {
    applicationId = static_cast<int32_t>(connection->queryInt64("PRAGMA application_id"));
    version = static_cast<int>(connection->queryInt64("PRAGMA user_version"));
    // Reading the schema touches the first pages; a damaged header or schema fails here.
    connection->queryInt64("SELECT count(*) FROM sqlite_schema");
  } catch (const Error& e) {
    const int code = connection->lastErrorCode();
    if (code == SQLITE_NOTADB)
      throw Error(file.string() + ": not a Tunebench project (the file is not an SQLite database)");
    if (code == SQLITE_CORRUPT)
      throw Error(file.string() + ": the project file is corrupt (" +
                  sqlite3_errstr(SQLITE_CORRUPT) + "); restore it from a backup");
    throw Error(std::string("opening project: ") + e.what());
  }
  if (applicationId != kProjectApplicationId)
    throw Error(file.string() + ": not a Tunebench project (SQLite application_id " +
                hex(applicationId) + ", a project has " + hex(kProjectApplicationId) + ")");

  const int latest = latestSchemaVersion();
  std::string reason;
  if (version > latest) {
    reason = "written by a newer Tunebench (schema version " + std::to_string(version) +
             ", this build knows up to " + std::to_string(latest) +
             "); opened read-only. Update Tunebench to change this project.";
    if (!options.readOnly) {
      connection.reset();
      connection = std::make_unique<Connection>(file.string(), Connection::Mode::ReadOnly);
    }
  } else if (options.readOnly) {
    reason = "opened read-only on request";
  } else if (connection->isReadOnly()) {
    reason = "the file is write-protected; opened read-only";
  }

  ProjectStore store(fs::absolute(file), std::move(connection));
  store.readOnly_ = !reason.empty();
  store.readOnlyReason_ = reason;
  store.schemaVersion_ = version;
  store.configureConnection(options);
  if (!store.readOnly_) {
    // Writing into a damaged file spreads the damage: SQLite's quick check (every page read
    // once, no index cross-checks) guards every open for writing.
    std::string check;
    try {
      check = store.db().queryText("PRAGMA quick_check(1)");
    } catch (const Error& e) {
      check = e.what();
    }
    if (check != "ok")
      throw Error(file.string() + ": the project file is damaged (SQLite's quick check: " + check +
                  "); restore it from a backup. It may still open read-only, and "
                  "'tunebench-cli project check' lists what is damaged");
    store.schemaVersion_ = migrate(store.db());
    store.recoveredRuns_ = RunRepository(store).recoverStaleRuns(options.staleRunAfter);
  }
  return store;
}

std::string ProjectStore::toProjectPath(const fs::path& path) const {
  if (path.is_relative()) return path.lexically_normal().generic_string();
  return fs::absolute(path).lexically_normal().lexically_relative(folder()).generic_string();
}

fs::path ProjectStore::resolve(const std::string& projectPath) const {
  const fs::path path(projectPath);
  if (path.is_absolute()) return path;
  return (folder() / path).lexically_normal();
}

std::optional<std::string> ProjectStore::setting(const std::string& key) {
  auto statement = db().prepare("SELECT value FROM project_setting WHERE key = ?");
  statement.bind(1, key);
  if (!statement.step()) return std::nullopt;
  return statement.text(0);
}

void ProjectStore::setSetting(const std::string& key, const std::string& value) {
  db().prepare(
          "INSERT INTO project_setting (key, value) VALUES (?, ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .bindAll(key, value)
      .run();
}

std::vector<std::string> ProjectStore::integrityCheck() {
  std::vector<std::string> problems;
  try {
    auto statement = db().prepare("PRAGMA integrity_check");
    while (statement.step()) problems.push_back(statement.text(0));
  } catch (const Error& e) {
    // Damage the check cannot walk past is itself the finding.
    problems.push_back(e.what());
  }
  return problems;
}

}  // namespace tunebench::store
