#!/usr/bin/env bash
# Training step time of tunebench-cli against eager PyTorch on the same model folder, with the
# same threads and BLAS/OpenMP settings on both sides.
#   [ROUNDS=3] bench/compare-train.sh MODEL_DIR [BATCH] [LENGTH] [STEPS] [THREADS] [BUILD_DIR]
# Each round runs both, tunebench first in odd rounds and PyTorch first in even ones, so both see
# the same load when the machine is shared. Two figures: the ratio of the medians over rounds of
# each side's median step, and the median of the per-round ratios (each from runs a minute apart,
# the steadier of the two on a machine whose speed drifts).
set -euo pipefail
model=$1 batch=${2:-8} length=${3:-256} steps=${4:-5} threads=${5:-0} build=${6:-build}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
# What tunebench-cli sets for itself on restart (core/system/BlasTuning), set for both.
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000}
if grep -q avx2 /proc/cpuinfo && grep -q fma /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
fi
median_of() { sed -n 's/.*median \([0-9.]*\) s.*/\1/p'; }
run_ours() {
  "$build/bin/tunebench-cli" bench train --model "$model" --batch "$batch" \
    --length "$length" --steps "$steps" --threads "$threads"
}
run_theirs() {
  /usr/bin/python3 "$here/train_reference.py" --model "$model" --batch "$batch" \
    --length "$length" --steps "$steps" --threads "$threads"
}
ours_all=() theirs_all=()
for round in $(seq "$rounds"); do
  echo "round $round of $rounds"
  if ((round % 2)); then
    ours=$(run_ours)
    echo "$ours"
    theirs=$(run_theirs)
    echo "$theirs"
  else
    theirs=$(run_theirs)
    echo "$theirs"
    ours=$(run_ours)
    echo "$ours"
  fi
  ours_all+=("$(echo "$ours" | median_of)")
  theirs_all+=("$(echo "$theirs" | median_of)")
done
/usr/bin/python3 - "${#ours_all[@]}" "${ours_all[@]}" "${theirs_all[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
ours = [float(x) for x in sys.argv[2:2 + n]]
theirs = [float(x) for x in sys.argv[2 + n:]]
print("per round (tunebench / PyTorch):",
      ", ".join(f"{o:.3f}/{t:.3f} = {o / t:.2f}" for o, t in zip(ours, theirs)))
o, t = statistics.median(ours), statistics.median(theirs)
print(f"step time ratio tunebench / eager PyTorch: {o:.3f} / {t:.3f} s = {o / t:.2f} "
      f"(medians of {n} rounds; target <= 0.85)")
ratios = [a / b for a, b in zip(ours, theirs)]
print(f"median of the per-round ratios: {statistics.median(ratios):.2f}")
PY
