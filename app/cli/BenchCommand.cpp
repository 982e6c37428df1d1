// `tunebench-cli bench ...`: benchmarks that print measured figures (never part of the test run).
#include <algorithm>

#include "Commands.h"

namespace tunebench::cli {

Command addBenchCommand(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks that print measured figures");
  bench->require_subcommand(1);
  std::vector<Command> benchmarks;
  for (auto adder : {addModelBenchmarks, addStoreBenchmarks, addDataBenchmarks, addPeftBenchmarks,
                     addHashBenchmarks, addEvalBenchmarks})
    for (auto& command : adder(*bench)) benchmarks.push_back(std::move(command));
  return {bench, [benchmarks] {
            for (const auto& benchmark : benchmarks)
              if (benchmark.subcommand->parsed()) return benchmark.run();
            return 2;
          }};
}

}  // namespace tunebench::cli
