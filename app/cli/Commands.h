#pragma once
// Each subcommand of tunebench-cli is wired in its own file: add<Name>Command registers it on the
// app and returns a function that runs it when it was chosen (returning the process exit code).
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace tunebench::cli {

using CommandRunner = std::function<int()>;

struct Command {
  CLI::App* subcommand;
  CommandRunner run;
};

Command addInfoCommand(CLI::App& app);
Command addPluginsCommand(CLI::App& app);
Command addBenchCommand(CLI::App& app);

}  // namespace tunebench::cli
