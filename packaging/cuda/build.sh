#!/usr/bin/env bash
# Builds core + CLI (no Qt) against the LibTorch inside a pip torch installation, for NVIDIA GPU
# machines. Prerequisites there: python3 with torch, cmake, ninja, g++, sentencepiece headers and
# libraries; header-only libraries, sqlite3.h, simdjson, RE2, utf8proc and OpenSSL come from deps/cuda
# (packaging/cuda/fetch-headers.sh).
# Usage: packaging/cuda/build.sh [build-folder]; then run <build-folder>/bin/tunebench-cli info.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-cuda}
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
deps="$root/deps/cuda/usr"

extra=()
rpath="$torch_lib"
if [ -d "$deps" ]; then
  export PKG_CONFIG_PATH="$deps/lib/x86_64-linux-gnu/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  rpath="$torch_lib;$deps/lib/x86_64-linux-gnu"
  extra+=("-DCMAKE_PREFIX_PATH=$torch_prefix;$deps;$deps/share/cmake;$deps/lib/x86_64-linux-gnu/cmake")
  extra+=("-Dnlohmann_json_DIR=$deps/share/cmake/nlohmann_json" "-DCLI11_DIR=$deps/share/cmake/CLI11")
  extra+=("-DSQLite3_INCLUDE_DIR=$deps/include")
  # Debian keeps OpenSSL's configuration.h in the multiarch include folder.
  extra+=("-DOPENSSL_ROOT_DIR=$deps" "-DCMAKE_CXX_FLAGS=-isystem $deps/include/x86_64-linux-gnu")
  sqlite_lib=$(ldconfig -p | awk '/libsqlite3\.so\.0 .*x86-64/ {print $NF; exit}')
  [ -n "$sqlite_lib" ] && extra+=("-DSQLite3_LIBRARY=$sqlite_lib")
else
  extra+=("-DCMAKE_PREFIX_PATH=$torch_prefix")
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTUNEBENCH_CORE_ONLY=ON \
  -DCMAKE_BUILD_RPATH="$rpath" "${extra[@]}"
cmake --build "$build"
echo "built: $build/bin/tunebench-cli (LibTorch from $torch_lib)"
