#include "system/SystemInfo.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "common/Version.h"
#include "system/BlasTuning.h"
#include "tokenizer/SentencePieceModule.h"

namespace tunebench {

void setIntraOpThreads(int n) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (n <= 0) n = cores;
  // Thousands of threads only thrash (and starting them can take minutes): refuse, don't hang.
  const int limit = std::max(64, 16 * cores);
  if (n > limit)
    throw Error("threads is " + std::to_string(n) + ", more than " + std::to_string(limit) +
                " (this machine has " + std::to_string(cores) + " hardware threads)");
  torch::set_num_threads(n);
}

GemmProbe probeCpuGemm(double budgetSeconds) {
  torch::NoGradGuard noGrad;
  GemmProbe probe;
  probe.size = 1024;
  const auto a = torch::randn({probe.size, probe.size});
  const auto b = torch::randn({probe.size, probe.size});
  auto c = torch::mm(a, b);  // warm-up: thread pool start and page faults
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  double elapsed = 0.0;
  while (elapsed < budgetSeconds && probe.repetitions < 50) {
    c = torch::mm(a, b);
    ++probe.repetitions;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  probe.seconds = elapsed;
  const double flops = 2.0 * probe.size * probe.size * probe.size * probe.repetitions;
  probe.gflops = elapsed > 0 ? flops / elapsed / 1e9 : 0.0;
  return probe;
}

SystemInfo collectSystemInfo(bool runGemmProbe) {
  SystemInfo info;
  info.tunebenchVersion = kVersion;
  info.torchVersion = TORCH_VERSION;
  info.cudaAvailable = torch::cuda::is_available();
  info.cudaDevices = cudaDeviceNames();
  info.intraOpThreads = torch::get_num_threads();
  if (runGemmProbe) info.gemm = probeCpuGemm();
  info.blas = detectBlas();  // after the probe: LibTorch may open BLAS lazily
  if (blasCoreTypeChosenByTunebench())
    info.blas.detail += "; core type set by Tunebench because OpenBLAS did not recognise this CPU";
  else if (const char* better = betterOpenBlasCoreType())
    info.blas.detail +=
        std::string("; generic kernels: OPENBLAS_CORETYPE=") + better + " is faster";
  if (const char* spin = std::getenv("GOMP_SPINCOUNT"))
    info.blas.detail += std::string("; GOMP_SPINCOUNT=") + spin;
  else if (openMpSpinIsDefault())
    info.blas.detail += "; OpenMP spins by default (GOMP_SPINCOUNT=1000 is faster)";
  try {
    info.sentencepieceDetail = SentencePieceModule::loadedPath().string();
    info.sentencepieceLoaded = true;
  } catch (const std::exception& e) {
    info.sentencepieceDetail = e.what();
  }
  return info;
}

std::vector<std::pair<std::string, std::string>> describe(const SystemInfo& info) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("Tunebench", info.tunebenchVersion);
  lines.emplace_back("LibTorch", info.torchVersion);
  std::string cuda = info.cudaAvailable ? "available" : "not available";
  if (!info.cudaDevices.empty()) {
    cuda += ":";
    for (size_t i = 0; i < info.cudaDevices.size(); ++i)
      cuda +=
          (i ? ", " : " ") + std::string("cuda:") + std::to_string(i) + " " + info.cudaDevices[i];
  }
  lines.emplace_back("CUDA", cuda);
  lines.emplace_back("Intra-op threads", std::to_string(info.intraOpThreads));
  lines.emplace_back(
      "BLAS", info.blas.library + (info.blas.detail.empty() ? "" : " (" + info.blas.detail + ")"));
  if (info.gemm.repetitions > 0) {
    char figure[160];
    std::snprintf(figure, sizeof figure, "%.1f GFLOP/s (fp32 %d×%d×%d, %d runs in %.2f s)",
                  info.gemm.gflops, info.gemm.size, info.gemm.size, info.gemm.size,
                  info.gemm.repetitions, info.gemm.seconds);
    lines.emplace_back("CPU GEMM", figure);
  }
  lines.emplace_back("sentencepiece module", info.sentencepieceLoaded
                                                 ? "loaded OK (" + info.sentencepieceDetail + ")"
                                                 : "NOT loaded: " + info.sentencepieceDetail);
  return lines;
}

}  // namespace tunebench
