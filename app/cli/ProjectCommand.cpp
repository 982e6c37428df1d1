#include <iostream>
#include <memory>

#include "Commands.h"
#include "common/Error.h"
#include "store/ProjectCheck.h"
#include "store/ProjectStore.h"
#include "store/ProjectSummary.h"

namespace tunebench::cli {

namespace {

using store::OpenOptions;
using store::ProjectStore;

int createProject(const std::string& file) {
  const std::filesystem::path path(file);
  if (path.extension() != store::kProjectExtension)
    throw Error(file + ": a project file name ends in " + store::kProjectExtension);
  auto project = ProjectStore::create(path);
  std::cout << "created " << project.file().string() << " (schema version "
            << project.schemaVersion() << ")\n";
  return 0;
}

// Looking must not change anything: both commands open the project read-only.
ProjectStore openForReading(const std::string& file) {
  OpenOptions options;
  options.readOnly = true;
  return ProjectStore::open(file, options);
}

int showInfo(const std::string& file) {
  auto project = openForReading(file);
  const auto summary = store::summarizeProject(project);
  std::cout << "project: " << project.file().string() << "\n"
            << "schema version: " << summary.schemaVersion << " (this build writes "
            << summary.latestSchemaVersion << ")\n";
  if (summary.schemaVersion > summary.latestSchemaVersion)
    std::cout << "note: written by a newer Tunebench; this build opens it read-only\n";
  else if (summary.schemaVersion < summary.latestSchemaVersion)
    std::cout << "note: older schema; opening it for writing will migrate it\n";
  std::cout << "journal mode: " << summary.journalMode << "\n"
            << "size: " << summary.pageSize * summary.pageCount << " bytes (" << summary.pageCount
            << " pages of " << summary.pageSize << ")\n";
  for (const auto& [what, count] : summary.counts) std::cout << what << ": " << count << "\n";
  for (const auto& [status, count] : summary.runsByStatus)
    std::cout << "runs " << status << ": " << count << "\n";
  return 0;
}

int checkProject(const std::string& file) {
  auto project = openForReading(file);
  const auto report = store::checkProject(project);
  if (report.integrityProblems.empty()) {
    std::cout << "integrity: ok\n";
  } else {
    std::cout << "integrity: " << report.integrityProblems.size() << " problem(s)\n";
    for (const auto& problem : report.integrityProblems) std::cout << "  " << problem << "\n";
  }
  std::cout << "missing files: " << report.missingFiles.size() << "\n";
  for (const auto& path : report.missingFiles) std::cout << "  " << path << "\n";
  std::cout << "orphaned files: " << report.orphanedFiles.size() << "\n";
  for (const auto& path : report.orphanedFiles) std::cout << "  " << path << "\n";
  std::cout << (report.ok() ? "check: ok\n" : "check: FAILED\n");
  return report.ok() ? 0 : 1;
}

}  // namespace

Command addProjectCommand(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto* project = app.add_subcommand("project", "Create, describe and check project files");
  project->require_subcommand(1);
  auto* create = project->add_subcommand("create", "Create a new project file (*.tbproj)");
  auto* info = project->add_subcommand("info", "Schema version, size and contents of a project");
  auto* check = project->add_subcommand(
      "check", "Integrity check, missing files and orphaned files in the artifact folders");
  for (auto* sub : {create, info, check})
    sub->add_option("file", *file, "Project file")->required();

  return {project, [file, create, info] {
            if (create->parsed()) return createProject(*file);
            if (info->parsed()) return showInfo(*file);
            return checkProject(*file);
          }};
}

}  // namespace tunebench::cli
