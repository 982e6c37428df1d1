#pragma once
// OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its generic
// "Prescott" kernels, 2-5x slower than its AVX2 ones on the same CPU. The core type is read
// from OPENBLAS_CORETYPE only while the library loads (before main), so the fix is a restart.

namespace tunebench {

// The core type worth forcing on this machine, or nullptr when OpenBLAS already runs a suitable
// kernel, is not loaded, or the user chose one with OPENBLAS_CORETYPE.
const char* betterOpenBlasCoreType();

// True when neither GOMP_SPINCOUNT nor OMP_WAIT_POLICY is set: OpenMP threads then spin long
// after each parallel region, starving OpenBLAS's threads (and the reverse) on small machines.
bool openMpSpinIsDefault();

// Call first in main(): re-executes the program once with OPENBLAS_CORETYPE set when
// betterOpenBlasCoreType() names one, and with a short GOMP_SPINCOUNT when the OpenMP spin is
// the default (TUNEBENCH_NO_BLAS_RESTART=1 disables it). Returns when no restart happens.
void restartWithBetterBlasIfNeeded(char** argv);

// True in a process started by restartWithBetterBlasIfNeeded().
bool blasCoreTypeChosenByTunebench();

}  // namespace tunebench
