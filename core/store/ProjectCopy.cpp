#include "store/ProjectCopy.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <utility>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace tunebench::store {

namespace fs = std::filesystem;

namespace {

// Every column that holds a path relative to the project folder.
constexpr std::pair<const char*, const char*> kPathColumns[] = {
    {"model", "folder"},
    {"dataset", "source_path"},
    {"checkpoint", "path"},
    {"export", "path"},
};

void removeCompanions(const fs::path& file) {
  std::error_code ignored;
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    fs::remove(fs::path(file.string() + suffix), ignored);
}

void removeWithCompanions(const fs::path& file) {
  std::error_code ignored;
  fs::remove(file, ignored);
  removeCompanions(file);
}

void backup(Connection& source, Connection& destination, const fs::path& target) {
  sqlite3_backup* copy = sqlite3_backup_init(destination.handle(), "main", source.handle(), "main");
  if (!copy)
    throw Error(target.string() +
                ": cannot start the copy: " + sqlite3_errmsg(destination.handle()));
  int rc = SQLITE_OK;
  // A writer on the original may hold its lock briefly; wait for it instead of failing.
  for (int attempt = 0; attempt < 500; ++attempt) {
    rc = sqlite3_backup_step(copy, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sqlite3_backup_finish(copy);
  if (rc != SQLITE_DONE)
    throw Error(target.string() + ": the copy failed (" + sqlite3_errstr(rc) +
                "); check that the folder is writable and the disk has room");
}

std::string rebase(const std::string& path, const fs::path& from, const fs::path& to) {
  const fs::path stored(path);
  if (stored.is_absolute() || path.empty()) return path;
  return (from / stored).lexically_normal().lexically_relative(to).generic_string();
}

void rebaseRelativePaths(Connection& db, const fs::path& from, const fs::path& to) {
  Transaction transaction(db);
  for (const auto& [table, column] : kPathColumns) {
    const std::string name = std::string(table), field = std::string(column);
    // Tables a project's schema does not have yet are left alone.
    auto exists =
        db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
    exists.bind(1, name);
    if (!exists.step() || exists.int64(0) == 0) continue;
    std::vector<std::pair<int64_t, std::string>> rows;
    {
      auto select = db.prepare("SELECT rowid, " + field + " FROM \"" + name + "\"");
      while (select.step()) rows.emplace_back(select.int64(0), select.text(1));
    }
    auto update = db.prepare("UPDATE \"" + name + "\" SET " + field + " = ? WHERE rowid = ?");
    for (const auto& [rowid, path] : rows) {
      const auto moved = rebase(path, from, to);
      if (moved == path) continue;
      update.bindAll(moved, rowid).run();
      update.reset();
    }
  }
  transaction.commit();
}

}  // namespace

ProjectStore saveProjectAs(ProjectStore& source, const fs::path& targetPath) {
  const fs::path target = fs::absolute(targetPath).lexically_normal();
  std::error_code ec;
  if (fs::equivalent(target, source.file(), ec))
    throw Error(target.string() + " is the open project itself: choose another file name");
  const fs::path folder = target.parent_path();
  if (!fs::is_directory(folder))
    throw Error(target.string() + ": cannot save the project: folder " + folder.string() +
                " does not exist");
  if (fs::is_directory(target))
    throw Error(target.string() + " is a folder: choose a file name ending in " +
                kProjectExtension);

  const fs::path partial = target.string() + ".saving";
  removeWithCompanions(partial);
  try {
    {
      Connection copy(partial.string(), Connection::Mode::ReadWriteCreate);
      backup(source.db(), copy, target);
      if (copy.queryText("PRAGMA journal_mode = WAL") != "wal")
        throw Error(target.string() + ": cannot switch the copy to WAL journal mode");
      if (folder != source.folder()) rebaseRelativePaths(copy, source.folder(), folder);
      if (copy.queryText("PRAGMA integrity_check") != "ok")
        throw Error(target.string() + ": the copy failed its integrity check; try again");
    }  // closing the last connection checkpoints the WAL into the file
    // A previous file's journal must not be applied to the new one; rename replaces the file
    // itself atomically, so it stays intact until the copy takes its place.
    removeCompanions(target);
    removeCompanions(partial);
    fs::rename(partial, target);
    syncPath(folder);
  } catch (const std::exception& e) {
    removeWithCompanions(partial);
    if (dynamic_cast<const Error*>(&e)) throw;
    throw Error(target.string() + ": cannot save the project: " + e.what());
  }
  return ProjectStore::open(target);
}

}  // namespace tunebench::store
