#include "builtin/BuiltinPlugins.h"

#include "builtin/AdapterExporter.h"
#include "builtin/BenchmarkEvaluator.h"
#include "builtin/ClassifierEvaluator.h"
#include "builtin/GenerationEvaluator.h"
#include "builtin/GgufExporter.h"
#include "builtin/MergedModelExporter.h"
#include "builtin/ParquetImporter.h"
#include "builtin/PerplexityEvaluator.h"
#include "builtin/SafetyEvaluator.h"
#include "builtin/TextImporters.h"

namespace tunebench::builtin {

namespace {

// Both with the signature of a shared library's tunebench_plugin_register.
// The formats Tunebench writes a run's model in; the first is the default choice.
void registerModelExporters(PluginRegistrar* registrar) {
  registrar->addExporter(std::make_shared<MergedModelExporter>());
  registrar->addExporter(std::make_shared<AdapterExporter>());
  registrar->addExporter(std::make_shared<GgufExporter>());
}

// The evaluations Tunebench runs; the first that suits a model is the default for it.
void registerModelEvaluators(PluginRegistrar* registrar) {
  registrar->addEvaluator(std::make_shared<GenerationEvaluator>());
  registrar->addEvaluator(std::make_shared<ClassifierEvaluator>());
  registrar->addEvaluator(std::make_shared<BenchmarkEvaluator>());
  registrar->addEvaluator(std::make_shared<PerplexityEvaluator>());
  registrar->addEvaluator(std::make_shared<SafetyEvaluator>());
}

}  // namespace

void registerBuiltinPlugins(PluginRegistry& registry) {
  registry.addBuiltin("text-importers", registerTextImporters);
  registry.addBuiltin("parquet-importer", registerParquetImporter);
  registry.addBuiltin("model-evaluators", registerModelEvaluators);
  registry.addBuiltin("model-exporters", registerModelExporters);
}

std::unique_ptr<PluginRegistry> makeDefaultPluginRegistry() {
  auto registry = std::make_unique<PluginRegistry>();
  registerBuiltinPlugins(*registry);
  for (const auto& folder : PluginRegistry::defaultPluginFolders()) registry->loadFolder(folder);
  return registry;
}

}  // namespace tunebench::builtin
