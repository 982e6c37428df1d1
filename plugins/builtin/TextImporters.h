#pragma once
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

// The built-in dataset importers (JSON Lines, plain text, JSON, CSV, TSV), with the signature of a
// shared library's tunebench_plugin_register. Apart from the other built-ins, so that the import
// fuzz target builds them without LibTorch.
void registerTextImporters(PluginRegistrar* registrar);

}  // namespace tunebench::builtin
