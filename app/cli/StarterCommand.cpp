// `tunebench-cli make-starter [--out DIR] [--force]`: builds the built-in starter model.
#include <iostream>
#include <memory>

#include "Commands.h"
#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "demo/StarterModel.h"

namespace tunebench::cli {

Command addMakeStarterCommand(CLI::App& app) {
  struct Options {
    StarterModelOptions starter;
    bool force = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "make-starter", "Build the starter model: pretrained here on text Tunebench writes");
  command->add_option("--out", options->starter.folder,
                      "Model folder (default: " + defaultStarterFolder().string() + ")");
  command->add_option("--steps", options->starter.steps, "Pretraining steps")
      ->check(numberBetween(int64_t(1), int64_t(1000000)));
  command->add_option("--seed", options->starter.seed, "Random seed");
  command->add_option("--threads", options->starter.threads, "CPU threads (0: all cores)")
      ->check(numberBetween(0, 1024));
  command->add_flag("--force", options->force, "Rebuild even when the model is already there");
  return {command, [options] {
            auto starter = options->starter;
            if (starter.folder.empty()) starter.folder = defaultStarterFolder().string();
            if (!options->force && isStarterModelReady(starter.folder)) {
              std::cout << "starter model ready: " << starter.folder << " (--force rebuilds it)\n";
              return 0;
            }
            TerminalProgress context;
            if (!makeStarterModel(starter, context)) {
              std::cerr << "canceled; no starter model was written\n";
              return 130;
            }
            std::cout << "starter model written: " << starter.folder << "\n";
            return 0;
          }};
}

}  // namespace tunebench::cli
