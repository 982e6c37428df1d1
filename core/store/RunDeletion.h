#pragma once
// Deleting a run: its records always (metrics, events, checkpoints, evaluations), its files only
// when asked, and then only inside the project's folder. A run's files are the output folder its
// config names, the checkpoints registered for it and the exports made from it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct RunFile {
  std::filesystem::path path;  // absolute
  bool exists = false;
  // Empty when the file may be removed; otherwise why it is kept.
  std::string keptBecause;
};

struct RunDeletionResult {
  std::vector<std::filesystem::path> removed;
  std::vector<RunFile> kept;  // existing files not removed, with the reason
};

// The files and folders of the run, each saying whether deleting the run may remove it.
std::vector<RunFile> runFiles(ProjectStore& store, int64_t runId);

// Deletes the run's records (durably, in one transaction) and then, when removeFiles is set, the
// files runFiles() allows; with removeFiles its export records go too. Throws tunebench::Error
// for an unknown run; a file that cannot be removed is reported in kept, never thrown.
RunDeletionResult deleteRun(ProjectStore& store, int64_t runId, bool removeFiles);

}  // namespace tunebench::store
