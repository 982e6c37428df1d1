#pragma once
// The contract between Tunebench and its plugins. Built-in plugins and third-party shared
// libraries register through the same PluginRegistrar. A shared library found in a plugins folder
// exports three C functions:
//
//   extern "C" int tunebench_plugin_api_version();       // must return kPluginApiVersion
//   extern "C" const char* tunebench_plugin_name();
//   extern "C" void tunebench_plugin_register(tunebench::PluginRegistrar* registrar);
//
// The interfaces are header-only, so a plugin needs these headers but does not link the core.
// A plugin built for another version is refused with a message (PluginRegistry::loadLibrary).
// Version history:
//   1 = dataset importers; evaluator and exporter interfaces declared but not used.
//   2 = exporters write one format of a run's model into a folder RunExportJob creates, publishes
//       and records (Exporter.h); evaluators score a model source on a data file, returning
//       metrics and per-item outcomes that EvaluationJob records (Evaluator.h). The built-in
//       export formats and evaluations are registered through them. Added since, at the end of
//       EvaluatorRequest so that evaluators built earlier still work: an optional cache of
//       scored requests (EvaluationCache.h; nullptr = none).
#include <memory>

#include "data/DatasetImporter.h"
#include "plugins/Evaluator.h"
#include "plugins/Exporter.h"

namespace tunebench {

inline constexpr int kPluginApiVersion = 2;

class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;
  virtual void addDatasetImporter(std::shared_ptr<DatasetImporter> importer) = 0;
  virtual void addEvaluator(std::shared_ptr<Evaluator> evaluator) = 0;
  virtual void addExporter(std::shared_ptr<Exporter> exporter) = 0;
};

using PluginApiVersionFunction = int (*)();
using PluginNameFunction = const char* (*)();
using PluginRegisterFunction = void (*)(PluginRegistrar*);

}  // namespace tunebench

#define TUNEBENCH_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
