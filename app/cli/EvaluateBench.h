#pragma once
// `tunebench-cli evaluate bench`: the subcommand and what runs it when it was chosen.
#include <CLI/CLI.hpp>

#include <functional>

namespace tunebench::cli {

struct EvaluateBench {
  CLI::App* subcommand;
  std::function<int()> run;
};

EvaluateBench addEvaluateBench(CLI::App& evaluate);

}  // namespace tunebench::cli
