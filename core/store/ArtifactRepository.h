#pragma once
// Files a run leaves next to the project: checkpoints, exports and imported models. They are
// registered only once complete, by path relative to the project folder and SHA-256, with durable
// commits.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct CheckpointRecord {
  int64_t id = 0;
  int64_t runId = 0;
  int64_t step = 0;
  std::string path;  // relative to the project folder
  std::string sha256;
  bool complete = false;
  double createdAt = 0;
};

class CheckpointRepository {
 public:
  explicit CheckpointRepository(ProjectStore& store) : store_(store) {}

  int64_t add(int64_t runId, int64_t step, const std::filesystem::path& path,
              const std::string& sha256, bool complete = true);
  void markComplete(int64_t id);
  void remove(int64_t id);
  std::vector<CheckpointRecord> forRun(int64_t runId);
  // The id of the run's checkpoint at `step`. Training keeps its checkpoints as files: one not
  // recorded yet is registered now, complete, with the SHA-256 of its folder.
  int64_t findOrRegister(int64_t runId, int64_t step, const std::filesystem::path& folder);
  std::optional<CheckpointRecord> latestComplete(int64_t runId);

 private:
  ProjectStore& store_;
};

struct ExportRecord {
  int64_t id = 0;
  std::optional<int64_t> runId;
  std::optional<int64_t> checkpointId;
  std::string format;
  std::string path;  // relative to the project folder
  std::string sha256;
  double createdAt = 0;
};

class ExportRepository {
 public:
  explicit ExportRepository(ProjectStore& store) : store_(store) {}

  int64_t add(std::optional<int64_t> runId, std::optional<int64_t> checkpointId,
              const std::string& format, const std::filesystem::path& path,
              const std::string& sha256);
  std::vector<ExportRecord> list();

 private:
  ProjectStore& store_;
};

struct ModelRecord {
  int64_t id = 0;
  std::string name;
  std::string folder;  // relative to the project folder
  std::string architecture;
  std::string sha256;
  double createdAt = 0;
};

class ModelRepository {
 public:
  explicit ModelRepository(ProjectStore& store) : store_(store) {}

  int64_t add(const std::string& name, const std::filesystem::path& folder,
              const std::string& architecture, const std::string& sha256);
  std::optional<ModelRecord> find(int64_t id);
  // The project's model in `folder` (compared as canonical paths), if it has one.
  std::optional<ModelRecord> findByFolder(const std::filesystem::path& folder);
  std::vector<ModelRecord> list();

 private:
  ProjectStore& store_;
};

// Every file or folder the project references, relative to the project folder.
std::vector<std::string> referencedPaths(ProjectStore& store);

}  // namespace tunebench::store
