#include "system/BlasTuning.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace tunebench {

namespace {

constexpr const char* kRestartMarker = "TUNEBENCH_BLAS_CORETYPE_CHOSEN";

bool isGenericCore(const char* core) {
  for (const char* generic : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                              "Katmai", "Coppermine", "Northwood", "Banias", "unknown"})
    if (std::strcmp(core, generic) == 0) return true;
  return false;
}

}  // namespace

const char* betterOpenBlasCoreType() {
  if (std::getenv("OPENBLAS_CORETYPE")) return nullptr;  // the user's (or machine's) choice
  using NameFunction = char* (*)();
  auto coreName = reinterpret_cast<NameFunction>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!coreName) return nullptr;
  const char* core = coreName();
  if (!core || !isGenericCore(core)) return nullptr;
  __builtin_cpu_init();
  // Haswell kernels need AVX2 + FMA only, and are the conservative choice on newer CPUs.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

void restartWithBetterBlasIfNeeded(char** argv) {
  if (std::getenv(kRestartMarker) || std::getenv("TUNEBENCH_NO_BLAS_RESTART")) return;
  const char* coreType = betterOpenBlasCoreType();
  if (!coreType) return;
  setenv("OPENBLAS_CORETYPE", coreType, 1);
  setenv(kRestartMarker, coreType, 1);
  execv("/proc/self/exe", argv);
  // execv failed: carry on with the slow kernels rather than not at all.
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv(kRestartMarker);
}

bool blasCoreTypeChosenByTunebench() { return std::getenv(kRestartMarker) != nullptr; }

}  // namespace tunebench
