#pragma once
// The schema of a project file: numbered migrations embedded from resources/store/migrations at
// build time (cmake/EmbedMigrations.cmake). Migration N takes user_version N-1 to N.
#include <string>
#include <vector>

namespace tunebench::store {

class Connection;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// In ascending version order, contiguous from 1.
const std::vector<Migration>& shippedMigrations();

// The schema version this build writes: the last shipped migration.
int latestSchemaVersion();

// Applies the migrations after the file's user_version up to target (latest when < 0), each in
// its own transaction together with its user_version bump. Returns the version reached.
int migrate(Connection& connection, int target = -1);

}  // namespace tunebench::store
