#pragma once
// What the Runs panel shows of a project: every run with its status, best validation loss and
// duration, and for the runs chosen for comparison their downsampled metric curves. Reads through
// its own read-only connection, so it runs on a worker thread while training writes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/MetricRepository.h"
#include "store/RunRepository.h"

namespace tunebench::store {

struct RunOverviewRow {
  RunRecord run;
  std::optional<double> bestValidationLoss;
  std::optional<int64_t> lastStep;        // of the training loss
  std::optional<double> durationSeconds;  // started → finished, or → last heartbeat while running
};

struct RunOverview {
  std::vector<RunOverviewRow> rows;  // newest first
  std::vector<MetricSeries> curves;  // of the compared runs
};

// `compare`: runs whose `keys` curves to read, each reduced to at most pixelBudget buckets.
RunOverview readRunOverview(const std::string& projectFile, const std::vector<int64_t>& compare,
                            const std::vector<std::string>& keys, int pixelBudget);

}  // namespace tunebench::store
