#include "plugins/PluginRegistry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

#include "common/Error.h"
#include "common/Paths.h"

namespace tunebench {

namespace {

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

// Collects a plugin's contributions so that a plugin whose registration fails adds nothing.
class PluginRegistry::Registrar : public PluginRegistrar {
 public:
  std::vector<std::shared_ptr<DatasetImporter>> importers;
  std::vector<std::shared_ptr<Evaluator>> evaluators;
  std::vector<std::shared_ptr<Exporter>> exporters;

  void addDatasetImporter(std::shared_ptr<DatasetImporter> importer) override {
    if (importer) importers.push_back(std::move(importer));
  }
  void addEvaluator(std::shared_ptr<Evaluator> evaluator) override {
    if (evaluator) evaluators.push_back(std::move(evaluator));
  }
  void addExporter(std::shared_ptr<Exporter> exporter) override {
    if (exporter) exporters.push_back(std::move(exporter));
  }
};

PluginRegistry::PluginRegistry() = default;

// Shared libraries stay loaded for the life of the process: objects they created may still be
// referenced elsewhere, and unloading code under a live vtable would crash.
PluginRegistry::~PluginRegistry() = default;

void PluginRegistry::addBuiltin(const std::string& name, PluginRegisterFunction registerFunction) {
  registerPlugin(name, "built-in", registerFunction);
}

void PluginRegistry::registerPlugin(const std::string& name, const std::string& source,
                                    PluginRegisterFunction registerFunction) {
  Registrar registrar;
  try {
    registerFunction(&registrar);
  } catch (const std::exception& e) {
    failures_.push_back({source, "plugin '" + name + "' failed to register: " + e.what()});
    return;
  } catch (...) {
    failures_.push_back({source, "plugin '" + name + "' failed to register (unknown exception)"});
    return;
  }

  auto idTaken = [](const auto& existing, const std::string& id) {
    return std::any_of(existing.begin(), existing.end(),
                       [&](const auto& item) { return item->id() == id; });
  };
  for (const auto& importer : registrar.importers)
    if (idTaken(importers_, importer->id())) {
      failures_.push_back({source, "plugin '" + name + "': dataset importer id '" + importer->id() +
                                       "' is already registered"});
      return;
    }
  for (const auto& evaluator : registrar.evaluators)
    if (idTaken(evaluators_, evaluator->id())) {
      failures_.push_back({source, "plugin '" + name + "': evaluator id '" + evaluator->id() +
                                       "' is already registered"});
      return;
    }
  for (const auto& exporter : registrar.exporters)
    if (idTaken(exporters_, exporter->id())) {
      failures_.push_back({source, "plugin '" + name + "': exporter id '" + exporter->id() +
                                       "' is already registered"});
      return;
    }

  PluginInfo info{name, source, {}};
  for (auto& importer : registrar.importers) {
    info.contributions.push_back("dataset importer: " + importer->id() + " (" +
                                 importer->displayName() + ")");
    importers_.push_back(std::move(importer));
  }
  for (auto& evaluator : registrar.evaluators) {
    info.contributions.push_back("evaluator: " + evaluator->id() + " (" + evaluator->displayName() +
                                 ")");
    evaluators_.push_back(std::move(evaluator));
  }
  for (auto& exporter : registrar.exporters) {
    info.contributions.push_back("exporter: " + exporter->id() + " (" + exporter->displayName() +
                                 ")");
    exporters_.push_back(std::move(exporter));
  }
  plugins_.push_back(std::move(info));
}

void PluginRegistry::loadFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return;
  std::vector<std::filesystem::path> libraries;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.path().extension() == ".so") libraries.push_back(entry.path());
  if (ec) {
    failures_.push_back({folder.string(), "cannot list the folder: " + ec.message()});
    return;
  }
  std::sort(libraries.begin(), libraries.end());
  for (const auto& library : libraries) loadLibrary(library);
}

bool PluginRegistry::loadLibrary(const std::filesystem::path& path) {
  const std::string source = path.string();
  void* handle = dlopen(source.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* error = dlerror();
    failures_.push_back({source, std::string("cannot load: ") + (error ? error : "unknown error")});
    return false;
  }
  auto symbol = [&](const char* name) { return dlsym(handle, name); };
  auto apiVersion =
      reinterpret_cast<PluginApiVersionFunction>(symbol("tunebench_plugin_api_version"));
  auto pluginName = reinterpret_cast<PluginNameFunction>(symbol("tunebench_plugin_name"));
  auto registerFunction =
      reinterpret_cast<PluginRegisterFunction>(symbol("tunebench_plugin_register"));
  if (!apiVersion || !pluginName || !registerFunction) {
    failures_.push_back({source,
                         "not a Tunebench plugin: it must export tunebench_plugin_api_version, "
                         "tunebench_plugin_name and tunebench_plugin_register"});
    dlclose(handle);
    return false;
  }
  const int version = apiVersion();
  if (version != kPluginApiVersion) {
    failures_.push_back({source, "plugin API version " + std::to_string(version) +
                                     " is not supported (this Tunebench speaks version " +
                                     std::to_string(kPluginApiVersion) + "); rebuild the plugin"});
    dlclose(handle);
    return false;
  }
  const char* name = pluginName();
  const size_t failuresBefore = failures_.size();
  registerPlugin(name && *name ? name : path.stem().string(), source, registerFunction);
  if (failures_.size() != failuresBefore) {
    // Nothing from this library was kept, so it is safe to unload.
    dlclose(handle);
    return false;
  }
  libraryHandles_.push_back(handle);
  return true;
}

std::shared_ptr<DatasetImporter> PluginRegistry::findImporter(const std::string& id) const {
  for (const auto& importer : importers_)
    if (importer->id() == id) return importer;
  return nullptr;
}

std::shared_ptr<Evaluator> PluginRegistry::findEvaluator(const std::string& id) const {
  for (const auto& evaluator : evaluators_)
    if (evaluator->id() == id) return evaluator;
  return nullptr;
}

std::shared_ptr<Exporter> PluginRegistry::findExporter(const std::string& id) const {
  for (const auto& exporter : exporters_)
    if (exporter->id() == id) return exporter;
  return nullptr;
}

std::shared_ptr<Exporter> PluginRegistry::exporter(const std::string& id) const {
  if (auto found = findExporter(id)) return found;
  std::string known;
  for (const auto& exporter : exporters_) known += (known.empty() ? "" : ", ") + exporter->id();
  throw Error("unknown export format '" + id + "': " +
              (known.empty() ? std::string("no exporter is installed") : "use one of " + known) +
              " (tunebench-cli plugins lists the installed exporters)");
}

std::shared_ptr<DatasetImporter> PluginRegistry::importerForFile(
    const std::filesystem::path& path) const {
  std::string extension = lowerCase(path.extension().string());
  if (!extension.empty() && extension[0] == '.') extension.erase(0, 1);
  for (const auto& importer : importers_) {
    const auto extensions = importer->fileExtensions();
    if (std::find(extensions.begin(), extensions.end(), extension) != extensions.end())
      return importer;
  }
  return nullptr;
}

std::vector<std::filesystem::path> PluginRegistry::defaultPluginFolders() {
  std::vector<std::filesystem::path> folders;
  if (const char* list = std::getenv("TUNEBENCH_PLUGIN_PATH")) folders = splitPathList(list);
  folders.push_back(userDataDirectory() / "plugins");
  folders.push_back(executableDirectory().parent_path() / "lib" / "tunebench" / "plugins");
  return folders;
}

}  // namespace tunebench
