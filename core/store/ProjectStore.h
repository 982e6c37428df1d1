#pragma once
// One project = one SQLite file (*.tbproj). ProjectStore owns one connection to it; each thread
// that touches the project (the GUI, a training job) opens its own ProjectStore.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/Sqlite.h"

namespace tunebench::store {

// 'TBPJ': marks an SQLite file as a Tunebench project.
constexpr int32_t kProjectApplicationId = 0x5442504a;
constexpr const char* kProjectExtension = ".tbproj";

struct OpenOptions {
  // Open read-only even when this build could write the project.
  bool readOnly = false;
  // How long a writer waits for another writer's lock before failing.
  std::chrono::milliseconds busyTimeout{5000};
  // A running run whose heartbeat is older than this and whose owner process is gone is marked
  // interrupted when the project is opened for writing.
  std::chrono::milliseconds staleRunAfter{30000};
};

class ProjectStore {
 public:
  // Creates a new project file; fails when the file exists.
  static ProjectStore create(const std::filesystem::path& file);
  // Opens an existing project, applying pending schema migrations. A project written by a newer
  // Tunebench opens read-only and says why in readOnlyReason().
  static ProjectStore open(const std::filesystem::path& file, const OpenOptions& options = {});

  ProjectStore(ProjectStore&&) noexcept;
  ProjectStore& operator=(ProjectStore&&) noexcept;
  ~ProjectStore();

  Connection& db() { return *connection_; }
  const std::filesystem::path& file() const { return file_; }
  std::filesystem::path folder() const { return file_.parent_path(); }
  int schemaVersion() const { return schemaVersion_; }
  bool isReadOnly() const { return readOnly_; }
  // Empty unless the project was opened read-only because of its schema or the options.
  const std::string& readOnlyReason() const { return readOnlyReason_; }
  // Runs that this open found stale and marked interrupted.
  const std::vector<int64_t>& recoveredRuns() const { return recoveredRuns_; }

  // Paths are stored relative to the project folder so that the folder can be moved. A relative
  // path given here is taken as relative to the project folder already (not to the working
  // folder); paths outside the folder are stored with "../".
  std::string toProjectPath(const std::filesystem::path& path) const;
  std::filesystem::path resolve(const std::string& projectPath) const;

  std::optional<std::string> setting(const std::string& key);
  void setSetting(const std::string& key, const std::string& value);

  // PRAGMA integrity_check: {"ok"} or the problems found, one per entry.
  std::vector<std::string> integrityCheck();

 private:
  ProjectStore(std::filesystem::path file, std::unique_ptr<Connection> connection);
  void configureConnection(const OpenOptions& options);

  std::filesystem::path file_;
  std::unique_ptr<Connection> connection_;
  int schemaVersion_ = 0;
  bool readOnly_ = false;
  std::string readOnlyReason_;
  std::vector<int64_t> recoveredRuns_;
};

}  // namespace tunebench::store
