#include "store/EventRepository.h"

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"

namespace tunebench::store {

namespace {

LogLevel parseLevel(const std::string& name) {
  for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error})
    if (name == logLevelName(level)) return level;
  throw Error("unknown event level '" + name + "'");
}

}  // namespace

int64_t EventRepository::add(std::optional<int64_t> runId, LogLevel level, const std::string& kind,
                             const std::string& message, const std::string& details) {
  auto& db = store_.db();
  db.prepare(
        "INSERT INTO event (run_id, time, level, kind, message, details) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bindAll(runId, unixTimeNow(), logLevelName(level), kind, message, details)
      .run();
  return db.lastInsertId();
}

std::vector<EventRecord> EventRepository::list(std::optional<int64_t> runId, LogLevel minLevel) {
  auto select = store_.db().prepare(
      "SELECT id, run_id, time, level, kind, message, details FROM event "
      "WHERE run_id IS ? ORDER BY time, id");
  select.bind(1, runId);
  std::vector<EventRecord> events;
  while (select.step()) {
    const LogLevel level = parseLevel(select.text(3));
    if (level < minLevel) continue;
    events.push_back({select.int64(0), select.optionalInt64(1), select.real(2), level,
                      select.text(4), select.text(5), select.text(6)});
  }
  return events;
}

}  // namespace tunebench::store
