#pragma once
// `tunebench-cli bench store`: measures the project store against the targets of its issue.
#include <cstdint>
#include <filesystem>

namespace tunebench::cli {

struct StoreBenchOptions {
  std::filesystem::path folder;  // where the scratch project is made
  int64_t metricRows = 1000000;  // spread over metricRuns runs of one key
  int64_t metricRuns = 10;
  int pixelBudget = 1000;
  int64_t datasetRows = 1000000;
  int loggingSeconds = 5;  // simulated training time for the logging figure
  int pointsPerSecond = 1000;
};

// Prints the figures; returns 0 when every target is met, 1 otherwise.
int runStoreBench(const StoreBenchOptions& options);

}  // namespace tunebench::cli
