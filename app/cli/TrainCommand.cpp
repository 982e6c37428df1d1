// `tunebench-cli train --config run.json [--resume]`: a training run in the terminal. Ctrl-C
// stops after the current step and writes a checkpoint. With --dry-run: the measured estimate of
// the run's memory and time (core/train/DryRunEstimate.h); nothing is written.
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "NumberChecks.h"
#include "jobs/BasicJobContext.h"
#include "train/DryRunEstimate.h"
#include "train/Trainer.h"

namespace tunebench::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void onInterrupt(int) {
  interrupted = 1;
}

// The CLI's context: cancellation also comes from Ctrl-C.
class TerminalContext : public BasicJobContext {
 public:
  bool isCanceled() const override { return interrupted != 0 || BasicJobContext::isCanceled(); }
};

}  // namespace

Command addTrainCommand(CLI::App& app) {
  struct Options {
    std::string config;
    bool resume = false;
    bool dryRun = false;
    bool json = false;
    int64_t dryRunSteps = 3;
  };
  auto options = std::make_shared<Options>();
  auto* command =
      app.add_subcommand("train", "Run training from a run.json (docs/training-config.md)");
  command->add_option("--config", options->config, "Training configuration (JSON)")->required();
  command->add_flag("--resume", options->resume, "Continue from the newest complete checkpoint");
  auto* dryRun = command->add_flag(
      "--dry-run", options->dryRun,
      "Measure peak memory, step time and tokens/s over a few steps; write nothing");
  command->add_option("--dry-run-steps", options->dryRunSteps, "Timed steps of the dry run")
      ->check(numberBetween(int64_t(1), int64_t(1000)))
      ->needs(dryRun);
  command->add_flag("--json", options->json, "Print the dry-run estimate as JSON")->needs(dryRun);
  dryRun->excludes(command->get_option("--resume"));
  return {command, [options] {
            const auto config = loadTrainingConfig(options->config);
            if (options->dryRun) {
              TerminalContext context;
              context.onLog = [](LogLevel level, const std::string& text) {
                std::cerr << logLevelName(level) << ": " << text << std::endl;
              };
              std::signal(SIGINT, onInterrupt);
              DryRunOptions dryRunOptions;
              dryRunOptions.timedSteps = options->dryRunSteps;
              const auto estimate = estimateTrainingRun(config, context, dryRunOptions);
              std::signal(SIGINT, SIG_DFL);
              if (options->json)
                std::cout << dryRunEstimateJson(estimate).dump(2) << "\n";
              else
                std::cout << describeDryRunEstimate(estimate);
              return estimate.completed ? 0 : 130;
            }
            Trainer trainer(config, options->resume);
            TerminalContext context;
            auto lastPrint = std::chrono::steady_clock::now() - std::chrono::seconds(10);
            context.onProgress = [&](int64_t done, int64_t total, const std::string& text) {
              const auto now = std::chrono::steady_clock::now();
              if (done == total || now - lastPrint > std::chrono::milliseconds(500)) {
                std::cout << text << std::endl;
                lastPrint = now;
              }
            };
            context.onLog = [](LogLevel level, const std::string& text) {
              (level >= LogLevel::Warning ? std::cerr : std::cout)
                  << logLevelName(level) << ": " << text << std::endl;
            };
            context.onMetric = [](int64_t step, const std::string& key, double value) {
              if (key == "val_loss")
                std::cout << "step " << step << ": validation loss " << value << std::endl;
            };
            std::signal(SIGINT, onInterrupt);
            std::signal(SIGTERM, onInterrupt);
            trainer.run(context);
            std::signal(SIGINT, SIG_DFL);
            std::signal(SIGTERM, SIG_DFL);
            const auto& result = trainer.result();
            std::cout << "training " << stopReasonName(result.stopReason) << " after "
                      << result.steps << " steps";
            if (!std::isnan(result.bestValidationLoss) && result.bestValidationLoss > 0)
              std::cout << ", best validation loss " << result.bestValidationLoss;
            std::cout << "\n";
            if (!result.lastCheckpoint.empty())
              std::cout << "checkpoint: " << result.lastCheckpoint << "\n";
            if (!result.finalModelFolder.empty())
              std::cout << "model: " << result.finalModelFolder << "\n";
            if (!result.adapterFolder.empty())
              std::cout << "adapter: " << result.adapterFolder << "\n";
            if (result.stopReason == StopReason::NonFiniteLoss) return 3;
            return result.stopReason == StopReason::Stopped ? 130 : 0;
          }};
}

}  // namespace tunebench::cli
