#include "store/ProjectCheck.h"

#include <algorithm>
#include <filesystem>

#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"

namespace tunebench::store {

namespace fs = std::filesystem;

const std::vector<std::string>& artifactFolders() {
  static const std::vector<std::string> folders = {"checkpoints", "exports", "models"};
  return folders;
}

namespace {

// True when path is reference itself or lies inside it (references may be folders).
bool isCoveredBy(const std::string& path, const std::string& reference) {
  if (path == reference) return true;
  return path.size() > reference.size() && path.compare(0, reference.size(), reference) == 0 &&
         path[reference.size()] == '/';
}

}  // namespace

ProjectCheckReport checkProject(ProjectStore& store) {
  ProjectCheckReport report;
  for (const auto& line : store.integrityCheck())
    if (line != "ok") report.integrityProblems.push_back(line);

  const auto references = referencedPaths(store);
  for (const auto& reference : references) {
    std::error_code error;
    if (!fs::exists(store.resolve(reference), error)) report.missingFiles.push_back(reference);
  }

  for (const auto& folder : artifactFolders()) {
    const fs::path root = store.folder() / folder;
    std::error_code error;
    if (!fs::is_directory(root, error)) continue;
    for (auto it = fs::recursive_directory_iterator(root, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_directory()) continue;
      const std::string relative = store.toProjectPath(it->path());
      const bool referenced = std::any_of(
          references.begin(), references.end(),
          [&](const std::string& reference) { return isCoveredBy(relative, reference); });
      if (!referenced) report.orphanedFiles.push_back(relative);
    }
  }
  std::sort(report.orphanedFiles.begin(), report.orphanedFiles.end());
  return report;
}

}  // namespace tunebench::store
