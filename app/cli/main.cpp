// tunebench-cli: the headless front end. Each subcommand is wired in its own *Command.cpp.
#include <algorithm>
#include <iostream>

#include "Commands.h"
#include "common/Version.h"
#include "system/BlasTuning.h"

int main(int argc, char** argv) {
  tunebench::restartWithBetterBlasIfNeeded(argv);

  CLI::App app{"Tunebench: fine-tune language models on your workstation"};
  app.set_version_flag("--version", std::string("tunebench-cli ") + tunebench::kVersion);
  app.require_subcommand(1);

  const std::vector<tunebench::cli::Command> commands = {
      tunebench::cli::addInfoCommand(app),
      tunebench::cli::addPluginsCommand(app),
      tunebench::cli::addMakeModelCommand(app),
      tunebench::cli::addMakeStarterCommand(app),
      tunebench::cli::addInspectCommand(app),
      tunebench::cli::addGenerateCommand(app),
      tunebench::cli::addProjectCommand(app),
      tunebench::cli::addTrainCommand(app),
      tunebench::cli::addEvaluateCommand(app),
      tunebench::cli::addDataCommand(app),
      tunebench::cli::addBenchCommand(app),
      tunebench::cli::addDemoCommand(app),
      tunebench::cli::addAdaptersCommand(app),
      tunebench::cli::addExportCommand(app),
  };

  if (argc > 1 && argv[1][0] != '-') {
    const bool known = std::any_of(commands.begin(), commands.end(), [&](const auto& command) {
      return command.subcommand->check_name(argv[1]);
    });
    if (!known) {
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
    for (const auto& command : commands)
      if (command.subcommand->parsed()) return command.run();
  } catch (const std::exception& e) {
    std::cerr << "tunebench-cli: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
