// `tunebench-cli demo [--out DIR]`: the whole pipeline on the starter model and the demo data,
// ending with a report.
#include <iomanip>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "demo/DemoRun.h"
#include "demo/StarterModel.h"

namespace tunebench::cli {

Command addDemoCommand(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  auto* command = app.add_subcommand(
      "demo", "Fine-tune the starter model on the demo data end to end and write a report");
  command->add_option("--out", options->folder,
                      "Demo folder (default: " + (userDataDirectory() / "demo").string() + ")");
  command->add_option("--starter", options->starterFolder,
                      "Starter model folder (default: " + defaultStarterFolder().string() +
                          ", built when missing)");
  command->add_option("--steps", options->trainSteps, "LoRA training steps")
      ->check(numberBetween(int64_t(1), int64_t(100000)));
  command->add_option("--rows", options->instructionRows, "Instruction rows to generate")
      ->check(numberBetween(int64_t(50), int64_t(1000000)));
  command->add_option("--seed", options->seed, "Random seed of the data and the training");
  command->add_option("--threads", options->threads, "CPU threads (0: all cores)")
      ->check(numberBetween(0, 1024));
  command->add_flag("--replace", options->replace, "Replace an earlier demo in the folder");
  return {command, [options] {
            auto demo = *options;
            if (demo.folder.empty()) demo.folder = (userDataDirectory() / "demo").string();
            auto registry = builtin::makeDefaultPluginRegistry();
            auto importer = registry->findImporter("jsonl");
            if (!importer) throw Error("the built-in JSON Lines importer is missing");
            TerminalProgress context;
            const auto outcome = runDemo(demo, *importer, context);
            if (!outcome) {
              std::cerr << "demo canceled\n";
              return 130;
            }
            std::cout << std::fixed << std::setprecision(1) << "exact match on "
                      << outcome->testExamples
                      << " test examples: " << 100 * outcome->accuracyBefore << " % before, "
                      << 100 * outcome->accuracyAfter << " % after LoRA\n"
                      << std::setprecision(2) << "perplexity: " << outcome->perplexityBefore
                      << " before, " << outcome->perplexityAfter << " after\n"
                      << std::setprecision(1)
                      << "multiple-choice suite accuracy: " << 100 * outcome->choiceAccuracyBefore
                      << " % before, " << 100 * outcome->choiceAccuracyAfter << " % after\n"
                      << "project: " << outcome->projectFile << "\n"
                      << "report: " << outcome->reportFile << "\n"
                      << "merged model: " << outcome->mergedFolder << "\n"
                      << "adapter: " << outcome->adapterFolder << "\n"
                      << std::setprecision(1) << "took " << outcome->seconds / 60.0 << " minutes\n";
            return 0;
          }};
}

}  // namespace tunebench::cli
