#include <iostream>
#include <memory>

#include "Commands.h"
#include "NumberChecks.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

Command addInfoCommand(CLI::App& app) {
  struct Options {
    int threads = 0;
    bool noGemm = false;
  };
  auto options = std::make_shared<Options>();
  auto* info =
      app.add_subcommand("info", "Versions, devices, threads, BLAS and a GEMM speed probe");
  info->add_option("--threads", options->threads, "Intra-op threads (0 = all hardware threads)")
      ->check(nonNegativeNumber());
  info->add_flag("--no-gemm", options->noGemm, "Skip the GEMM speed probe");

  return {info, [options] {
            setIntraOpThreads(options->threads);
            const auto facts = collectSystemInfo(!options->noGemm);
            for (const auto& [key, value] : describe(facts))
              std::cout << key << ": " << value << "\n";
            if (!facts.blas.isOptimized())
              std::cout << "warning: LibTorch is not using an optimised BLAS; training will be "
                           "slow. Run packaging/install-deps.sh (it installs OpenBLAS).\n";
            return 0;
          }};
}

}  // namespace tunebench::cli
