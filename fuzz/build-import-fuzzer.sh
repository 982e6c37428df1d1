#!/usr/bin/env bash
# Builds the importer fuzzer with libFuzzer, AddressSanitizer and UBSan from the importer sources
# alone (no LibTorch), then, given a time in seconds, fuzzes from the checked-in corpus:
#   fuzz/build-import-fuzzer.sh [seconds]
# New inputs land in build-fuzz/corpus; copy the interesting ones to tests/fuzz-corpus/import.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out/corpus" "$out/generated/common"
# Paths.cpp wants the generated version header; the fuzzer does not care about its content.
sed 's/@[A-Za-z_]*@/0/g' core/common/Version.h.in > "$out/generated/common/Version.h"
clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -Icore -Iplugins \
  -I"$out/generated" fuzz/ImportFuzzTarget.cpp \
  core/data/{TextCursor,CsvReader,JsonValueScanner,LineReader,Utf8}.cpp \
  plugins/builtin/{ImportSupport,JsonText,JsonLinesImporter,JsonImporter,CsvImporter}.cpp \
  plugins/builtin/{PlainTextImporter,BuiltinPlugins}.cpp \
  core/plugins/PluginRegistry.cpp core/common/Paths.cpp core/jobs/BasicJobContext.cpp \
  -lsimdjson -ldl -o "$out/fuzz_import"
echo "built $out/fuzz_import"
if [ $# -ge 1 ]; then
  cp -n tests/fuzz-corpus/import/* "$out/corpus/"
  "$out/fuzz_import" -max_total_time="$1" -max_len=2048 -timeout=10 "$out/corpus"
fi
