#!/usr/bin/env bash
# Installs everything Tunebench needs to build, test and run on Debian 12.
# Idempotent: packages already present are reported and skipped. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # Qt 6 GUI and charts
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libgl-dev libqcustomplot-dev
  # LibTorch (CPU) and a real BLAS: without OpenBLAS, LibTorch falls back to reference BLAS
  libtorch-dev libopenblas0-pthread
  # tokenizers, storage, parsing
  libsentencepiece-dev sentencepiece libsqlite3-dev nlohmann-json3-dev libsimdjson-dev
  libre2-dev libutf8proc-dev libcli11-dev libzstd-dev
  # benchmark suite definitions in YAML
  libyaml-dev
  # Parquet imports: Snappy, zstd (above) and gzip codecs
  libsnappy-dev zlib1g-dev
  # SHA-256 fingerprints of weights and exports (OpenSSL's libcrypto)
  libssl-dev
  # headless GUI tests and screenshots
  xvfb xauth
  # reference oracles used by tests
  python3 python3-sentencepiece python3-jinja2 python3-regex python3-numpy python3-sklearn python3-torch
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    :
  else
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# LibTorch links libblas.so.3; make sure the Debian alternative points at OpenBLAS.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) echo "install-deps: BLAS is OpenBLAS ($blas)" ;;
  *) echo "install-deps: warning: libblas.so.3 resolves to '$blas', not OpenBLAS" >&2 ;;
esac
