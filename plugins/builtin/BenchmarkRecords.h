#pragma once
// A benchmark file's records, read whole with the importer its extension names (JSON Lines,
// JSON, Parquet), each with where it came from for error messages.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"

namespace tunebench::builtin {

struct BenchmarkRecord {
  nlohmann::json fields;
  std::string where;  // "FILE line N" or "FILE row N"
};

// Throws tunebench::Error naming the file and the problem (unknown extension, a bad row, no
// rows). Returns what was read so far when the context cancels.
std::vector<BenchmarkRecord> readBenchmarkRecords(const std::string& path, JobContext& context);

}  // namespace tunebench::builtin
