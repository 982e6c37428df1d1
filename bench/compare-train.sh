#!/usr/bin/env bash
# Training step time of tunebench-cli against eager PyTorch on the same model folder, with the
# same threads and BLAS/OpenMP settings on both sides.
#   bench/compare-train.sh MODEL_DIR [BATCH] [LENGTH] [STEPS] [THREADS] [BUILD_DIR]
set -euo pipefail
model=$1 batch=${2:-8} length=${3:-256} steps=${4:-5} threads=${5:-0} build=${6:-build}
here=$(cd "$(dirname "$0")" && pwd)
# What tunebench-cli sets for itself on restart (core/system/BlasTuning), set for both.
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000}
if grep -q avx2 /proc/cpuinfo && grep -q fma /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
fi
ours=$("$build/bin/tunebench-cli" bench train --model "$model" --batch "$batch" --length "$length" \
  --steps "$steps" --threads "$threads")
echo "$ours"
theirs=$(/usr/bin/python3 "$here/train_reference.py" --model "$model" --batch "$batch" \
  --length "$length" --steps "$steps" --threads "$threads")
echo "$theirs"
ours_s=$(echo "$ours" | sed -n 's/.*median \([0-9.]*\) s.*/\1/p')
theirs_s=$(echo "$theirs" | sed -n 's/.*median \([0-9.]*\) s.*/\1/p')
/usr/bin/python3 -c "print(f'step time ratio tunebench / eager PyTorch: {$ours_s / $theirs_s:.2f} (target <= 0.85)')"
