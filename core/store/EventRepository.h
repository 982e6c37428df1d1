#pragma once
// Things that happened during a run or to the project: diagnoses, warnings, errors.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jobs/JobContext.h"

namespace tunebench::store {

class ProjectStore;

struct EventRecord {
  int64_t id = 0;
  std::optional<int64_t> runId;
  double time = 0;
  LogLevel level = LogLevel::Info;
  std::string kind;  // e.g. "diagnosis", "guard", "resume"
  std::string message;
  std::string details = "{}";  // JSON
};

class EventRepository {
 public:
  explicit EventRepository(ProjectStore& store) : store_(store) {}

  int64_t add(std::optional<int64_t> runId, LogLevel level, const std::string& kind,
              const std::string& message, const std::string& details = "{}");
  // Events of a run (or of the project when runId is empty) at minLevel or above, oldest first.
  std::vector<EventRecord> list(std::optional<int64_t> runId, LogLevel minLevel = LogLevel::Debug);

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
