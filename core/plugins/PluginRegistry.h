#pragma once
// Every plugin known to this process: built-in ones and shared libraries loaded from plugin
// folders. Loading failures are collected, never fatal.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "plugins/PluginApi.h"

namespace tunebench {

struct PluginInfo {
  std::string name;
  std::string source;                      // "built-in" or the shared library's path
  std::vector<std::string> contributions;  // e.g. "dataset importer: jsonl (JSON Lines)"
};

struct PluginFailure {
  std::string source;
  std::string problem;
};

class PluginRegistry {
 public:
  PluginRegistry();
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Registers a plugin compiled into the program, through the same function type a shared
  // library exports.
  void addBuiltin(const std::string& name, PluginRegisterFunction registerFunction);

  // Loads every *.so in the folder (not recursive). A missing folder is not an error.
  void loadFolder(const std::filesystem::path& folder);
  // Loads one shared library; returns false and records a failure when it cannot be used.
  bool loadLibrary(const std::filesystem::path& path);

  const std::vector<PluginInfo>& plugins() const { return plugins_; }
  const std::vector<PluginFailure>& failures() const { return failures_; }

  const std::vector<std::shared_ptr<DatasetImporter>>& datasetImporters() const {
    return importers_;
  }
  const std::vector<std::shared_ptr<Evaluator>>& evaluators() const { return evaluators_; }
  const std::vector<std::shared_ptr<Exporter>>& exporters() const { return exporters_; }

  std::shared_ptr<DatasetImporter> findImporter(const std::string& id) const;
  std::shared_ptr<Evaluator> findEvaluator(const std::string& id) const;
  std::shared_ptr<Exporter> findExporter(const std::string& id) const;
  // The exporter with this id (an export format); throws tunebench::Error naming the formats
  // there are when none has it.
  std::shared_ptr<Exporter> exporter(const std::string& id) const;
  // The importer claiming the file's extension, or nullptr.
  std::shared_ptr<DatasetImporter> importerForFile(const std::filesystem::path& path) const;

  // Folders searched by default: $TUNEBENCH_PLUGIN_PATH entries, <user data>/plugins and
  // <executable>/../lib/tunebench/plugins.
  static std::vector<std::filesystem::path> defaultPluginFolders();

 private:
  class Registrar;
  void registerPlugin(const std::string& name, const std::string& source,
                      PluginRegisterFunction registerFunction);

  std::vector<PluginInfo> plugins_;
  std::vector<PluginFailure> failures_;
  std::vector<std::shared_ptr<DatasetImporter>> importers_;
  std::vector<std::shared_ptr<Evaluator>> evaluators_;
  std::vector<std::shared_ptr<Exporter>> exporters_;
  std::vector<void*> libraryHandles_;  // closed after the objects they created are released
};

}  // namespace tunebench
