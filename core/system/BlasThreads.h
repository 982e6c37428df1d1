#pragma once
// OpenBLAS splits every product over its own threads. For many small products (attention per
// head) that costs more than it gains; running several single-threaded products side by side on
// LibTorch's threads is faster. OpenBLAS's thread count is process-wide, so scopes count.

namespace tunebench {

class SingleThreadedBlas {
 public:
  // Makes OpenBLAS single-threaded until the last live scope ends. Does nothing when the BLAS is
  // not OpenBLAS (active() is then false).
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

  bool active() const { return active_; }

 private:
  bool active_ = false;
};

}  // namespace tunebench
