#pragma once
// Runs: creation, status changes (durable), heartbeats, listing, config diff and the recovery of
// runs whose owner died while they were running.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/ConfigDiff.h"

namespace tunebench::store {

class ProjectStore;

enum class RunStatus { Queued, Running, Paused, Completed, Failed, Stopped, Interrupted };

const char* runStatusName(RunStatus status);
// Throws tunebench::Error for an unknown name.
RunStatus parseRunStatus(const std::string& name);
bool isFinished(RunStatus status);

struct NewRun {
  NewRun(std::string runName = {}) : name(std::move(runName)) {}  // NOLINT: {"name"} reads well
  std::string name;
  std::optional<int64_t> studyId;
  std::optional<int64_t> modelId;
  std::optional<int64_t> datasetVersionId;
  std::string config = "{}";
  std::string environment = "{}";
  std::string notes;
  std::vector<std::string> tags;
};

struct RunRecord {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> studyId;
  std::optional<int64_t> modelId;
  std::optional<int64_t> datasetVersionId;
  std::string config;
  RunStatus status = RunStatus::Queued;
  double createdAt = 0;
  std::optional<double> startedAt;
  std::optional<double> finishedAt;
  std::optional<double> heartbeatAt;
  std::optional<int64_t> ownerPid;
  std::string environment;
  std::string notes;
  std::vector<std::string> tags;  // sorted
};

struct RunFilter {
  enum class SortBy { Created, Name, Status, Started, Finished };
  std::vector<RunStatus> statuses;  // empty: any
  std::optional<int64_t> studyId;
  std::optional<std::string> tag;
  std::string nameContains;  // case-insensitive for ASCII
  SortBy sortBy = SortBy::Created;
  bool descending = true;
  int64_t limit = -1;  // < 0: all
  int64_t offset = 0;
};

class RunRepository {
 public:
  explicit RunRepository(ProjectStore& store) : store_(store) {}

  // Returns the id of the study with this name, creating it when missing.
  int64_t ensureStudy(const std::string& name);

  int64_t create(const NewRun& run);
  std::optional<RunRecord> find(int64_t id);
  std::vector<RunRecord> list(const RunFilter& filter = {});

  // The calling process takes ownership: running, started now, heartbeat now, owner pid.
  void markRunning(int64_t id, int64_t ownerPid);
  // Finished statuses also set finished_at. Durable (synchronous=FULL).
  void setStatus(int64_t id, RunStatus status);
  void heartbeat(int64_t id);
  // Throws tunebench::Error for an empty name.
  void rename(int64_t id, const std::string& name);
  void setNotes(int64_t id, const std::string& notes);
  void addTag(int64_t id, const std::string& tag);
  void removeTag(int64_t id, const std::string& tag);
  // Replaces the run's tags with these (duplicates collapse), in one transaction.
  void setTags(int64_t id, const std::vector<std::string>& tags);
  // Deletes the run with its metrics, rollups, events, checkpoints and evaluations (the schema's
  // cascades); exports keep their records without the run. Durable. Files are left alone: see
  // store/RunDeletion.h.
  void remove(int64_t id);

  // Running or paused runs whose heartbeat is older than staleAfter and whose owner process no
  // longer exists become interrupted. Returns their ids.
  std::vector<int64_t> recoverStaleRuns(std::chrono::milliseconds staleAfter);

  // Config keys whose values differ between the runs (in the order given).
  std::vector<ConfigDifference> configDiff(const std::vector<int64_t>& runIds);

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
