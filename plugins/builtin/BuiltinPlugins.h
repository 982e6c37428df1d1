#pragma once
#include "plugins/PluginRegistry.h"

namespace tunebench::builtin {

// Adds every plugin compiled into Tunebench to the registry.
void registerBuiltinPlugins(PluginRegistry& registry);

// A registry with the built-in plugins and those found in the default plugin folders.
std::unique_ptr<PluginRegistry> makeDefaultPluginRegistry();

}  // namespace tunebench::builtin
