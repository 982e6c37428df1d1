// tunebench-cli: the headless front end. Subcommands wire arguments to core calls.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "builtin/BuiltinPlugins.h"
#include "common/Version.h"
#include "system/SystemInfo.h"
#include "system/BlasTuning.h"

namespace {

int runInfo(int threads, bool probeGemm) {
  tunebench::setIntraOpThreads(threads);
  const auto info = tunebench::collectSystemInfo(probeGemm);
  for (const auto& [key, value] : tunebench::describe(info)) std::cout << key << ": " << value << "\n";
  if (!info.blas.isOptimized())
    std::cout << "warning: LibTorch is not using an optimised BLAS; training will be slow. "
                 "Run packaging/install-deps.sh (it installs OpenBLAS).\n";
  return 0;
}

int runPlugins(const std::vector<std::string>& extraFolders) {
  auto registry = tunebench::builtin::makeDefaultPluginRegistry();
  for (const auto& folder : extraFolders) registry->loadFolder(folder);
  std::cout << "Plugin API version " << tunebench::kPluginApiVersion << "\n";
  std::cout << "Folders searched:";
  for (const auto& folder : tunebench::PluginRegistry::defaultPluginFolders())
    std::cout << " " << folder.string();
  for (const auto& folder : extraFolders) std::cout << " " << folder;
  std::cout << "\n\n";
  for (const auto& plugin : registry->plugins()) {
    std::cout << plugin.name << " [" << plugin.source << "]\n";
    for (const auto& contribution : plugin.contributions) std::cout << "  " << contribution << "\n";
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
}

}  // namespace

int main(int argc, char** argv) {
  tunebench::restartWithBetterBlasIfNeeded(argv);
  CLI::App app{"Tunebench: fine-tune language models on your workstation"};
  app.set_version_flag("--version", std::string("tunebench-cli ") + tunebench::kVersion);
  app.require_subcommand(1);

  int threads = 0;
  bool noGemm = false;
  auto* info = app.add_subcommand("info", "Versions, devices, threads, BLAS and a GEMM speed probe");
  info->add_option("--threads", threads, "Intra-op threads (0 = all hardware threads)")
      ->check(CLI::NonNegativeNumber);
  info->add_flag("--no-gemm", noGemm, "Skip the GEMM speed probe");

  std::vector<std::string> pluginFolders;
  auto* plugins = app.add_subcommand("plugins", "List plugins and those that failed to load");
  plugins->add_option("--plugin-dir", pluginFolders, "Also load plugins from this folder");

  if (argc > 1 && argv[1][0] != '-') {
    const auto& known = app.get_subcommands([](const CLI::App*) { return true; });
    const bool isKnown = std::any_of(known.begin(), known.end(),
                                     [&](const CLI::App* sub) { return sub->check_name(argv[1]); });
    if (!isKnown) {
      std::cerr << "tunebench-cli: unknown subcommand '" << argv[1]
                << "'. Run 'tunebench-cli --help' for the list.\n";
      return 2;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tunebench-cli: " << e.what() << "\nRun 'tunebench-cli --help' for usage.\n";
    return 2;
  }

  try {
    if (info->parsed()) return runInfo(threads, !noGemm);
    if (plugins->parsed()) return runPlugins(pluginFolders);
  } catch (const std::exception& e) {
    std::cerr << "tunebench-cli: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
