#include "export/ExportListing.h"

#include <filesystem>
#include <map>

#include "export/ExportFolder.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

namespace tunebench {

std::vector<ExportListing> readExports(const std::string& projectFile) {
  store::OpenOptions options;
  options.readOnly = true;
  auto project = store::ProjectStore::open(projectFile, options);
  std::map<int64_t, std::string> runNames;
  for (const auto& run : store::RunRepository(project).list()) runNames[run.id] = run.name;
  std::map<int64_t, int64_t> checkpointSteps;  // checkpoint id -> step
  store::CheckpointRepository checkpoints(project);
  std::vector<ExportListing> listings;
  for (auto& record : store::ExportRepository(project).list()) {
    ExportListing listing;
    if (record.runId) {
      const auto name = runNames.find(*record.runId);
      if (name != runNames.end()) listing.runName = name->second;
      if (record.checkpointId && !checkpointSteps.count(*record.checkpointId))
        for (const auto& checkpoint : checkpoints.forRun(*record.runId))
          checkpointSteps[checkpoint.id] = checkpoint.step;
    }
    if (record.checkpointId) {
      const auto step = checkpointSteps.find(*record.checkpointId);
      if (step != checkpointSteps.end()) listing.checkpointStep = step->second;
    }
    listing.folder = project.resolve(record.path).string();
    std::error_code ec;
    listing.exists = std::filesystem::exists(listing.folder, ec);
    listing.bytes = listing.exists ? pathBytes(listing.folder) : 0;
    listing.record = std::move(record);
    listings.push_back(std::move(listing));
  }
  return listings;
}

}  // namespace tunebench
