#pragma once
// `tunebench-cli evaluate bench` and `evaluate safety`: each subcommand and what runs it when it
// was chosen.
#include <CLI/CLI.hpp>

#include <functional>

namespace tunebench::cli {

struct EvaluateBench {
  CLI::App* subcommand;
  std::function<int()> run;
};

EvaluateBench addEvaluateBench(CLI::App& evaluate);
// `tunebench-cli evaluate safety`: the safety evaluator's suites, run the same way.
EvaluateBench addEvaluateSafety(CLI::App& evaluate);

}  // namespace tunebench::cli
