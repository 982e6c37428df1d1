#pragma once
// The exports a project has recorded, as a list to show: with the run's name, the checkpoint's
// step, where the folder is now and how big it is. Opens its own read-only connection, so that a
// GUI can call it from a worker thread while a job writes. No LibTorch here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/ArtifactRepository.h"

namespace tunebench {

struct ExportListing {
  store::ExportRecord record;
  std::string runName;                    // empty when the run was deleted
  std::optional<int64_t> checkpointStep;  // empty: the run's final model
  std::string folder;                     // absolute
  bool exists = false;
  uint64_t bytes = 0;
};

// Oldest first.
std::vector<ExportListing> readExports(const std::string& projectFile);

}  // namespace tunebench
