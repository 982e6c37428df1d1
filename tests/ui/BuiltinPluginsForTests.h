#pragma once
// The plugins compiled into Tunebench (importers, evaluators, exporters), as the program has them
// but without the user's plugin folders: for panels that offer what the registry holds.
#include "builtin/BuiltinPlugins.h"

namespace uitest {

inline const tunebench::PluginRegistry& builtinPlugins() {
  static const auto registry = [] {
    auto plugins = std::make_unique<tunebench::PluginRegistry>();
    tunebench::builtin::registerBuiltinPlugins(*plugins);
    return plugins;
  }();
  return *registry;
}

}  // namespace uitest
