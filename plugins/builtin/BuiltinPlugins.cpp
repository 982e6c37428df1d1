#include "builtin/BuiltinPlugins.h"

#include "builtin/CsvImporter.h"
#include "builtin/JsonImporter.h"
#include "builtin/JsonLinesImporter.h"
#include "builtin/PlainTextImporter.h"

namespace tunebench::builtin {

namespace {

// Same signature as a shared library's tunebench_plugin_register.
void registerTextImporters(PluginRegistrar* registrar) {
  registrar->addDatasetImporter(std::make_shared<JsonLinesImporter>());
  registrar->addDatasetImporter(std::make_shared<PlainTextImporter>());
  registrar->addDatasetImporter(std::make_shared<JsonImporter>());
  registrar->addDatasetImporter(std::make_shared<CsvImporter>(false));
  registrar->addDatasetImporter(std::make_shared<CsvImporter>(true));
}

}  // namespace

void registerBuiltinPlugins(PluginRegistry& registry) {
  registry.addBuiltin("text-importers", registerTextImporters);
}

std::unique_ptr<PluginRegistry> makeDefaultPluginRegistry() {
  auto registry = std::make_unique<PluginRegistry>();
  registerBuiltinPlugins(*registry);
  for (const auto& folder : PluginRegistry::defaultPluginFolders()) registry->loadFolder(folder);
  return registry;
}

}  // namespace tunebench::builtin
