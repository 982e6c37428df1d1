// `tunebench-cli train --config run.json [--resume]`: a training run in the terminal. Ctrl-C
// stops after the current step and writes a checkpoint.
#include <csignal>
#include <cmath>
#include <chrono>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "jobs/BasicJobContext.h"
#include "train/Trainer.h"

namespace tunebench::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void onInterrupt(int) { interrupted = 1; }

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
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("train", "Run training from a run.json (docs/training-config.md)");
  command->add_option("--config", options->config, "Training configuration (JSON)")->required();
  command->add_flag("--resume", options->resume, "Continue from the newest complete checkpoint");
  return {command, [options] {
            const auto config = loadTrainingConfig(options->config);
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
              (level >= LogLevel::Warning ? std::cerr : std::cout) << logLevelName(level) << ": " << text << std::endl;
            };
            context.onMetric = [](int64_t step, const std::string& key, double value) {
              if (key == "val_loss") std::cout << "step " << step << ": validation loss " << value << std::endl;
            };
            std::signal(SIGINT, onInterrupt);
            std::signal(SIGTERM, onInterrupt);
            trainer.run(context);
            std::signal(SIGINT, SIG_DFL);
            std::signal(SIGTERM, SIG_DFL);
            const auto& result = trainer.result();
            std::cout << "training " << result.stopReason << " after " << result.steps << " steps";
            if (!std::isnan(result.bestValidationLoss) && result.bestValidationLoss > 0)
              std::cout << ", best validation loss " << result.bestValidationLoss;
            std::cout << "\n";
            if (!result.lastCheckpoint.empty()) std::cout << "checkpoint: " << result.lastCheckpoint << "\n";
            if (!result.finalModelFolder.empty()) std::cout << "model: " << result.finalModelFolder << "\n";
            if (!result.adapterFolder.empty()) std::cout << "adapter: " << result.adapterFolder << "\n";
            if (result.stopReason == "non-finite loss") return 3;
            return result.stopReason == "stopped" ? 130 : 0;
          }};
}

}  // namespace tunebench::cli
