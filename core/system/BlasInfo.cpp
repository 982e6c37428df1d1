// Finds which BLAS the process really loaded: Debian switches libblas.so.3 between the netlib
// reference implementation and OpenBLAS with alternatives, and the difference is 20x in speed.
#include <dlfcn.h>
#include <link.h>

#include <filesystem>

#include "system/SystemInfo.h"

namespace tunebench {

namespace {

int collectBlasFiles(dl_phdr_info* info, size_t, void* data) {
  auto* files = static_cast<std::vector<std::string>*>(data);
  const std::string name = info->dlpi_name ? info->dlpi_name : "";
  const std::string base = std::filesystem::path(name).filename().string();
  if (base.find("blas") != std::string::npos || base.find("mkl_rt") != std::string::npos) {
    std::error_code ec;
    const auto resolved = std::filesystem::canonical(name, ec);
    files->push_back(ec ? name : resolved.string());
  }
  return 0;
}

}  // namespace

bool BlasInfo::isOptimized() const {
  return library == "OpenBLAS" || library == "Intel MKL" || library == "BLIS";
}

BlasInfo detectBlas() {
  BlasInfo info;
  dl_iterate_phdr(collectBlasFiles, &info.loadedFiles);

  using ConfigFunction = char* (*)();
  if (auto config = reinterpret_cast<ConfigFunction>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    info.library = "OpenBLAS";
    info.detail = config();
    if (auto core = reinterpret_cast<ConfigFunction>(dlsym(RTLD_DEFAULT, "openblas_get_corename")))
      info.detail += std::string(", core ") + core();
    return info;
  }
  if (dlsym(RTLD_DEFAULT, "mkl_get_version")) {
    info.library = "Intel MKL";
    return info;
  }
  if (dlsym(RTLD_DEFAULT, "bli_info_get_version_str")) {
    info.library = "BLIS";
    return info;
  }
  for (const auto& file : info.loadedFiles) {
    if (file.find("/blas/") != std::string::npos || file.find("netlib") != std::string::npos) {
      info.library = "reference BLAS (netlib)";
      info.detail = file + " — slow: install libopenblas0-pthread";
      return info;
    }
  }
  info.library = info.loadedFiles.empty() ? "none loaded" : "unknown";
  if (!info.loadedFiles.empty()) info.detail = info.loadedFiles.front();
  return info;
}

}  // namespace tunebench
