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
Command addMakeModelCommand(CLI::App& app);
Command addMakeStarterCommand(CLI::App& app);
Command addInspectCommand(CLI::App& app);
Command addGenerateCommand(CLI::App& app);
Command addProjectCommand(CLI::App& app);
Command addTrainCommand(CLI::App& app);
Command addEvaluateCommand(CLI::App& app);
Command addDataCommand(CLI::App& app);
Command addBenchCommand(CLI::App& app);
Command addDemoCommand(CLI::App& app);
Command addAdaptersCommand(CLI::App& app);
Command addExportCommand(CLI::App& app);

// The benchmarks under `tunebench-cli bench`, one adder per area.
std::vector<Command> addModelBenchmarks(CLI::App& bench);
std::vector<Command> addStoreBenchmarks(CLI::App& bench);
std::vector<Command> addDataBenchmarks(CLI::App& bench);
std::vector<Command> addPeftBenchmarks(CLI::App& bench);
std::vector<Command> addHashBenchmarks(CLI::App& bench);
std::vector<Command> addEvalBenchmarks(CLI::App& bench);

}  // namespace tunebench::cli
