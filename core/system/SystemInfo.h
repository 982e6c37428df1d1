#pragma once
// Facts about this installation that decide how fast and whether training works: versions,
// devices, threads, the BLAS library LibTorch actually computes with, and a quick GEMM figure.
#include <string>
#include <utility>
#include <vector>

namespace tunebench {

struct BlasInfo {
  std::string library;  // e.g. "OpenBLAS" or "reference BLAS (netlib)"; "unknown" when not found
  std::string detail;   // version/configuration or the loaded file
  std::vector<std::string> loadedFiles;
  bool isOptimized() const;
};

struct GemmProbe {
  int size = 0;  // n of the n×n×n fp32 product
  int repetitions = 0;
  double seconds = 0.0;
  double gflops = 0.0;
};

struct SystemInfo {
  std::string tunebenchVersion;
  std::string torchVersion;
  bool cudaAvailable = false;
  std::vector<std::string> cudaDevices;
  int intraOpThreads = 0;
  BlasInfo blas;
  GemmProbe gemm;
  bool sentencepieceLoaded = false;
  std::string sentencepieceDetail;  // module path, or why it failed
};

// Sets LibTorch's intra-op thread count; n <= 0 picks the number of hardware threads. Throws
// tunebench::Error for a count far beyond the machine (more than 16 per hardware thread, min 64).
void setIntraOpThreads(int n);

BlasInfo detectBlas();
// Times fp32 matrix products on the CPU for about `budgetSeconds` (after one warm-up).
GemmProbe probeCpuGemm(double budgetSeconds = 0.25);
// Device names reported by the CUDA driver; empty without a driver or device.
std::vector<std::string> cudaDeviceNames();

SystemInfo collectSystemInfo(bool runGemmProbe);
// "key: value" lines, the same text for `tunebench-cli info` and the About dialog.
std::vector<std::pair<std::string, std::string>> describe(const SystemInfo& info);

}  // namespace tunebench
