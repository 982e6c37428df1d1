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
// Version history: 1 = dataset importers, evaluators, exporters.
#include <memory>

#include "plugins/DatasetImporter.h"
#include "plugins/Evaluator.h"
#include "plugins/Exporter.h"

namespace tunebench {

inline constexpr int kPluginApiVersion = 1;

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
