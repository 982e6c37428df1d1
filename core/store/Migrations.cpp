#include "store/Migrations.h"

#include "common/Error.h"
#include "store/Sqlite.h"

namespace tunebench::store {

int latestSchemaVersion() {
  return shippedMigrations().back().version;
}

int migrate(Connection& connection, int target) {
  const int latest = latestSchemaVersion();
  if (target < 0) target = latest;
  if (target > latest)
    throw Error(connection.path() + ": cannot migrate to schema " + std::to_string(target) +
                "; this build knows up to " + std::to_string(latest));
  int version = static_cast<int>(connection.queryInt64("PRAGMA user_version"));
  if (version >= target) return version;
  // A migration that rebuilds a table drops the old one; with foreign keys on, that would run
  // the ON DELETE actions of the rows that point at it (SQLite's documented way: keys off, rebuild,
  // check the keys before committing). The pragma has no effect inside a transaction.
  const bool keysWereOn = connection.queryInt64("PRAGMA foreign_keys") != 0;
  connection.exec("PRAGMA foreign_keys = OFF");
  try {
    for (const auto& migration : shippedMigrations()) {
      if (migration.version <= version || migration.version > target) continue;
      try {
        Transaction transaction(connection);
        connection.exec(migration.sql);
        if (connection.prepare("PRAGMA foreign_key_check").step())
          throw Error("it leaves rows that point at rows that do not exist");
        connection.exec("PRAGMA user_version = " + std::to_string(migration.version));
        transaction.commit();
      } catch (const Error& e) {
        throw e.within("applying schema migration " + std::string(migration.name));
      }
      version = migration.version;
    }
  } catch (...) {
    if (keysWereOn) connection.exec("PRAGMA foreign_keys = ON");
    throw;
  }
  if (keysWereOn) connection.exec("PRAGMA foreign_keys = ON");
  return version;
}

}  // namespace tunebench::store
