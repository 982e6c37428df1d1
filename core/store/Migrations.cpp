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
  for (const auto& migration : shippedMigrations()) {
    if (migration.version <= version || migration.version > target) continue;
    try {
      Transaction transaction(connection);
      connection.exec(migration.sql);
      connection.exec("PRAGMA user_version = " + std::to_string(migration.version));
      transaction.commit();
    } catch (const Error& e) {
      throw e.within("applying schema migration " + std::string(migration.name));
    }
    version = migration.version;
  }
  return version;
}

}  // namespace tunebench::store
