#include "store/RunDeletion.h"

#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

namespace tunebench::store {

namespace fs = std::filesystem;

namespace {

bool isStrictlyInside(const fs::path& path, const fs::path& folder) {
  const auto relative = path.lexically_relative(folder);
  if (relative.empty() || relative == ".") return false;
  return *relative.begin() != "..";
}

// Why the path must stay, or empty when it may go.
std::string reasonToKeep(const fs::path& path, const ProjectStore& store) {
  std::error_code error;
  const fs::path folder = fs::weakly_canonical(store.folder(), error);
  if (error) return "the project folder cannot be resolved: " + error.message();
  // weakly_canonical follows links, so a link that leads out of the project counts as outside.
  const fs::path real = fs::weakly_canonical(path, error);
  if (error) return "the path cannot be resolved: " + error.message();
  if (!isStrictlyInside(real, folder)) return "it is outside the project folder";
  const fs::path projectFile = fs::weakly_canonical(store.file(), error);
  const auto name = real.filename().string();
  if (real == projectFile ||
      (real.parent_path() == folder && name.rfind(projectFile.filename().string(), 0) == 0))
    return "it is the project file";
  return {};
}

}  // namespace

std::vector<RunFile> runFiles(ProjectStore& store, int64_t runId) {
  auto run = RunRepository(store).find(runId);
  if (!run) throw Error(store.file().string() + ": no run with id " + std::to_string(runId));
  std::vector<RunFile> files;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& path, std::string reason = {}) {
    const auto normal = path.lexically_normal();
    if (!seen.insert(normal).second) return;
    files.push_back({normal, fs::exists(fs::symlink_status(normal)),
                     reason.empty() ? reasonToKeep(normal, store) : std::move(reason)});
  };

  const auto config = nlohmann::json::parse(run->config, nullptr, false);
  if (config.is_object() && config.contains("output") && config["output"].is_string()) {
    const fs::path output = config["output"].get<std::string>();
    if (output.is_absolute())
      add(output);
    else if (!output.empty())
      // The trainer resolves it against the config file's folder, which the run does not record.
      add(store.folder() / output, "the config names it relative to its own file's folder");
  }
  auto checkpoints =
      store.db().prepare("SELECT path FROM checkpoint WHERE run_id = ? ORDER BY step");
  checkpoints.bind(1, runId);
  while (checkpoints.step()) add(store.resolve(checkpoints.text(0)));
  auto exports = store.db().prepare("SELECT path FROM export WHERE run_id = ? ORDER BY id");
  exports.bind(1, runId);
  while (exports.step()) add(store.resolve(exports.text(0)));
  return files;
}

RunDeletionResult deleteRun(ProjectStore& store, int64_t runId, bool removeFiles) {
  const auto files = runFiles(store, runId);
  {
    auto& db = store.db();
    Transaction transaction(db);
    if (removeFiles) db.prepare("DELETE FROM export WHERE run_id = ?").bind(1, runId).run();
    RunRepository(store).remove(runId);
    transaction.commit();
  }
  RunDeletionResult result;
  for (const auto& file : files) {
    if (!removeFiles || !file.exists) continue;
    if (!file.keptBecause.empty()) {
      result.kept.push_back(file);
      continue;
    }
    // A folder inside one already removed (a checkpoint in the output folder) is gone too.
    if (!fs::exists(fs::symlink_status(file.path))) {
      result.removed.push_back(file.path);
      continue;
    }
    std::error_code error;
    fs::remove_all(file.path, error);
    if (error)
      result.kept.push_back({file.path, true, "it could not be removed: " + error.message()});
    else
      result.removed.push_back(file.path);
  }
  return result;
}

}  // namespace tunebench::store
