#include "system/BlasThreads.h"

#include <dlfcn.h>

#include <mutex>

namespace tunebench {

namespace {

using GetThreads = int (*)();
using SetThreads = void (*)(int);

struct OpenBlasThreads {
  GetThreads get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  SetThreads set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  std::mutex mutex;
  int scopes = 0;
  int saved = 0;
};

OpenBlasThreads& openBlas() {
  static OpenBlasThreads threads;
  return threads;
}

}  // namespace

SingleThreadedBlas::SingleThreadedBlas() {
  auto& blas = openBlas();
  if (!blas.get || !blas.set) return;
  std::lock_guard<std::mutex> lock(blas.mutex);
  if (blas.scopes++ == 0) {
    blas.saved = blas.get();
    blas.set(1);
  }
  active_ = true;
}

SingleThreadedBlas::~SingleThreadedBlas() {
  if (!active_) return;
  auto& blas = openBlas();
  std::lock_guard<std::mutex> lock(blas.mutex);
  if (--blas.scopes == 0) blas.set(blas.saved);
}

}  // namespace tunebench
