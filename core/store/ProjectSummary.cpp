#include "store/ProjectSummary.h"

#include "store/Migrations.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace {

bool hasTable(Connection& db, const std::string& table) {
  auto select = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  select.bind(1, table);
  return select.step();
}

}  // namespace

ProjectSummary summarizeProject(ProjectStore& store) {
  auto& db = store.db();
  ReadTransaction snapshot(db);
  ProjectSummary summary;
  summary.schemaVersion = store.schemaVersion();
  summary.latestSchemaVersion = latestSchemaVersion();
  summary.journalMode = db.queryText("PRAGMA journal_mode");
  summary.pageSize = db.queryInt64("PRAGMA page_size");
  summary.pageCount = db.queryInt64("PRAGMA page_count");

  // Table names come from this fixed list, never from input.
  static const std::pair<const char*, const char*> kCounted[] = {
      {"datasets", "dataset"},
      {"dataset versions", "dataset_version"},
      {"dataset records", "dataset_record"},
      {"models", "model"},
      {"studies", "study"},
      {"runs", "run"},
      {"metric points", "metric"},
      {"events", "event"},
      {"checkpoints", "checkpoint"},
      {"evaluations", "evaluation"},
      {"exports", "export"}};
  for (const auto& [label, table] : kCounted)
    if (hasTable(db, table))
      summary.counts.emplace_back(label,
                                  db.queryInt64(std::string("SELECT count(*) FROM ") + table));

  if (hasTable(db, "run")) {
    auto select = db.prepare("SELECT status, count(*) FROM run GROUP BY status ORDER BY status");
    while (select.step()) summary.runsByStatus.emplace_back(select.text(0), select.int64(1));
  }
  return summary;
}

}  // namespace tunebench::store
