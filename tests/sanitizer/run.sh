#!/usr/bin/env bash
# Builds the tests that read untrusted input (model folders, safetensors, config.json,
# tokenizer.json, chat templates, dataset files, plugins) with AddressSanitizer and UBSan, and runs
# them. Not part of the normal test run or CI: the instrumented LibTorch-using core takes long to
# build. Usage: tests/sanitizer/run.sh [build folder, default build-asan] [extra ctest arguments]
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${1:-$source_dir/build-asan}
shift || true
jobs=${TUNEBENCH_SANITIZE_JOBS:-2}

# Test executables and the CTest names they run under (fuzz replays: fuzz_replay_<name>).
tests=(
  tst_safetensors tst_model_config tst_model_folder tst_model_description
  tst_bpe_tokenizer tst_tokenizer_files tst_tokenizer_robustness tst_split_regex
  tst_chat_template tst_import_errors tst_builtin_importers tst_table_importers
  tst_dataset_import tst_plugin_registry tst_generation tst_lora
)
replays=(safetensors_header model_config tokenizer_json chat_template import)

targets=("${tests[@]}")
for replay in "${replays[@]}"; do targets+=("replay_$replay"); done
pattern="^($(IFS='|'; echo "${tests[*]}")|fuzz_replay_($(IFS='|'; echo "${replays[*]}")))\$"

# -O1: the sanitizers' recommended level; it builds the instrumented core noticeably faster
# than -O2 and keeps stack traces exact. TUNEBENCH_SANITIZE adds -g.
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" \
  -DTUNEBENCH_SANITIZE=ON >/dev/null
start=$(date +%s)
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}"
echo "sanitizer build: $(($(date +%s) - start)) s"

# The sanitizer options are part of each test's CTest environment (tests/CMakeLists.txt).
start=$(date +%s)
status=0
(cd "$build_dir" && ctest -R "$pattern" --output-on-failure "$@") || status=$?
echo "sanitizer run: $(($(date +%s) - start)) s"
exit "$status"
