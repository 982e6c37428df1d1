// Names CUDA devices through the driver API, opened at run time, so that the same binary works
// with and without a driver and needs no CUDA headers.
#include <dlfcn.h>

#include "system/SystemInfo.h"

namespace tunebench {

std::vector<std::string> cudaDeviceNames() {
  std::vector<std::string> names;
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver) return names;
  using InitFunction = int (*)(unsigned int);
  using CountFunction = int (*)(int*);
  using GetFunction = int (*)(int*, int);
  using NameFunction = int (*)(char*, int, int);
  using MemoryFunction = int (*)(size_t*, int);
  auto init = reinterpret_cast<InitFunction>(dlsym(driver, "cuInit"));
  auto count = reinterpret_cast<CountFunction>(dlsym(driver, "cuDeviceGetCount"));
  auto get = reinterpret_cast<GetFunction>(dlsym(driver, "cuDeviceGet"));
  auto name = reinterpret_cast<NameFunction>(dlsym(driver, "cuDeviceGetName"));
  auto memory = reinterpret_cast<MemoryFunction>(dlsym(driver, "cuDeviceTotalMem_v2"));
  int devices = 0;
  if (init && count && get && name && init(0) == 0 && count(&devices) == 0) {
    for (int i = 0; i < devices; ++i) {
      int device = 0;
      char buffer[256] = {0};
      if (get(&device, i) != 0 || name(buffer, sizeof buffer - 1, device) != 0) continue;
      std::string description = buffer;
      size_t bytes = 0;
      if (memory && memory(&bytes, device) == 0)
        description += " (" + std::to_string(bytes >> 20) + " MiB)";
      names.push_back(description);
    }
  }
  // The driver stays loaded: LibTorch's CUDA runtime uses it too.
  return names;
}

}  // namespace tunebench
