#include <iostream>
#include <memory>

#include "Commands.h"
#include "builtin/BuiltinPlugins.h"

namespace tunebench::cli {

Command addPluginsCommand(CLI::App& app) {
  auto folders = std::make_shared<std::vector<std::string>>();
  auto* plugins = app.add_subcommand("plugins", "List plugins and those that failed to load");
  plugins->add_option("--plugin-dir", *folders, "Also load plugins from this folder");

  return {plugins, [folders] {
            auto registry = builtin::makeDefaultPluginRegistry();
            for (const auto& folder : *folders) registry->loadFolder(folder);
            std::cout << "Plugin API version " << kPluginApiVersion << "\nFolders searched:";
            for (const auto& folder : PluginRegistry::defaultPluginFolders())
              std::cout << " " << folder.string();
            for (const auto& folder : *folders) std::cout << " " << folder;
            std::cout << "\n\n";
            for (const auto& plugin : registry->plugins()) {
              std::cout << plugin.name << " [" << plugin.source << "]\n";
              for (const auto& contribution : plugin.contributions)
                std::cout << "  " << contribution << "\n";
            }
            auto countLine = [](const char* what, size_t n) {
              std::cout << what << ": " << n << (n == 0 ? " (none installed yet)" : "") << "\n";
            };
            std::cout << "\n";
            countLine("dataset importers", registry->datasetImporters().size());
            countLine("evaluators", registry->evaluators().size());
            countLine("exporters", registry->exporters().size());
            if (!registry->failures().empty()) {
              std::cout << "\nPlugins that could not be loaded:\n";
              for (const auto& failure : registry->failures())
                std::cout << "  " << failure.source << ": " << failure.problem << "\n";
            }
            return 0;
          }};
}

}  // namespace tunebench::cli
