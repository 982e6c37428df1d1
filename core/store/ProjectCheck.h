#pragma once
// `project check`: SQLite's integrity check plus the files the project references that are
// missing and the files in its artifact folders that nothing references.
#include <string>
#include <vector>

namespace tunebench::store {

class ProjectStore;

// Folders, relative to the project folder, where Tunebench writes artifacts. Only these are
// scanned for orphans, so that a project kept in a busy folder does not report unrelated files.
const std::vector<std::string>& artifactFolders();

struct ProjectCheckReport {
  std::vector<std::string> integrityProblems;  // empty when integrity_check says ok
  std::vector<std::string> missingFiles;       // referenced, relative paths
  std::vector<std::string> orphanedFiles;      // present, relative paths
  bool ok() const { return integrityProblems.empty() && missingFiles.empty(); }
};

ProjectCheckReport checkProject(ProjectStore& store);

}  // namespace tunebench::store
