#include "StoreBench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "store/DatasetRepository.h"
#include "store/MetricRepository.h"
#include "store/MetricWriter.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

#include <unistd.h>

namespace tunebench::cli {

namespace {

using Clock = std::chrono::steady_clock;
using store::ProjectStore;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Timings {
  std::vector<double> ms;
  double median() {
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  }
  double max() const { return *std::max_element(ms.begin(), ms.end()); }
};

std::string fixed(double value, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

bool report(const std::string& what, double value, const std::string& unit, double target) {
  const bool met = value < target;
  std::cout << "  => " << what << ": " << fixed(value, 3) << " " << unit << " (target < "
            << fixed(target, 0) << " " << unit << ") " << (met ? "MET" : "NOT MET") << "\n";
  return met;
}

// Training steps simulated by busy-waiting a fixed 10 ms (a core kept busy, as training does),
// logging pointsPerSecond points through MetricWriter with its default 1 s flush interval. The
// figure is the wall time the logging added over the steps' own time.
bool benchLogging(ProjectStore& project, const StoreBenchOptions& options) {
  constexpr double kStepMs = 10.0;
  const int steps = static_cast<int>(options.loggingSeconds * 1000 / kStepMs);
  const int pointsPerStep = std::max(1, static_cast<int>(options.pointsPerSecond * kStepMs / 1000));
  const auto run = store::RunRepository(project).create({"bench logging"});
  store::RunRepository(project).markRunning(run, getpid());
  std::cout << "logging: " << steps << " steps of " << fixed(kStepMs, 0) << " ms, " << pointsPerStep
            << " points per step (" << pointsPerStep * 1000 / kStepMs
            << " points/s), flush every 1 s\n";
  static const char* const kKeys[] = {"loss",   "lr",       "grad_norm", "tokens_per_s",
                                      "memory", "loss_ema", "accuracy",  "perplexity",
                                      "clip",   "scale"};
  double loggingMs = 0;
  double worstStepLoggingMs = 0;
  const auto start = Clock::now();
  {
    store::MetricWriter writer(project, run);
    for (int step = 0; step < steps; ++step) {
      const auto stepStart = Clock::now();
      while (millisecondsSince(stepStart) < kStepMs) {
      }
      const auto logStart = Clock::now();
      for (int i = 0; i < pointsPerStep; ++i)
        writer.add(step, kKeys[i % 10] + std::string(i < 10 ? "" : std::to_string(i / 10)),
                   1.0 / (1 + step + i));
      const double spent = millisecondsSince(logStart);
      loggingMs += spent;
      worstStepLoggingMs = std::max(worstStepLoggingMs, spent);
    }
    const auto logStart = Clock::now();
    writer.flush();
    loggingMs += millisecondsSince(logStart);
  }
  const double totalMs = millisecondsSince(start);
  const double overhead = 100.0 * loggingMs / (totalMs - loggingMs);
  std::cout << "  wall " << fixed(totalMs, 1) << " ms, of which logging " << fixed(loggingMs, 2)
            << " ms; slowest step's logging (a flush) " << fixed(worstStepLoggingMs, 2) << " ms\n";
  return report("added to training step wall time", overhead, "%", 1.0);
}

bool benchDownsample(ProjectStore& project, const StoreBenchOptions& options) {
  const int64_t stepsPerRun = options.metricRows / options.metricRuns;
  std::cout << "metrics: " << options.metricRuns << " runs x " << stepsPerRun
            << " steps of 'loss' = " << options.metricRuns * stepsPerRun << " rows\n";
  store::RunRepository runs(project);
  store::MetricRepository metrics(project);
  std::vector<int64_t> runIds;
  std::mt19937 random(7);
  std::normal_distribution<double> noise(0.0, 0.05);
  const auto loadStart = Clock::now();
  for (int64_t r = 0; r < options.metricRuns; ++r) {
    runIds.push_back(runs.create({"bench run " + std::to_string(r)}));
    std::vector<store::MetricPoint> batch;
    for (int64_t step = 0; step < stepsPerRun; ++step) {
      batch.push_back(
          {runIds.back(), "loss", step, 2.0 / std::sqrt(1.0 + step) + noise(random), 0});
      if (batch.size() == 50000 || step + 1 == stepsPerRun) {
        metrics.append(batch);
        batch.clear();
      }
    }
  }
  const double loadMs = millisecondsSince(loadStart);
  std::cout << "  loaded in " << fixed(loadMs / 1000, 1) << " s ("
            << fixed(options.metricRuns * stepsPerRun / (loadMs / 1000), 0) << " rows/s)\n";

  // A fresh connection, as the GUI's reader would have.
  auto reader = ProjectStore::open(project.file());
  store::MetricRepository readerMetrics(reader);
  Timings whole, zoomed;
  size_t buckets = 0;
  for (int i = 0; i < 21; ++i) {
    auto start = Clock::now();
    const auto series = readerMetrics.downsample(runIds, {"loss"}, options.pixelBudget);
    whole.ms.push_back(millisecondsSince(start));
    buckets = 0;
    for (const auto& s : series) buckets += s.buckets.size();
    const int64_t from = random() % (stepsPerRun / 2);
    start = Clock::now();
    readerMetrics.downsample(runIds, {"loss"}, options.pixelBudget, {from, from + stepsPerRun / 3});
    zoomed.ms.push_back(millisecondsSince(start));
  }
  std::cout << "  whole range, " << options.pixelBudget << " px: first " << fixed(whole.ms[0])
            << " ms, median " << fixed(whole.median()) << " ms, max " << fixed(whole.max())
            << " ms (" << buckets << " buckets over " << runIds.size() << " series)\n";
  std::cout << "  zoomed to a third, unaligned: median " << fixed(zoomed.median()) << " ms, max "
            << fixed(zoomed.max()) << " ms\n";
  return report("downsampled query (max of 21)", whole.max(), "ms", 100.0);
}

bool benchDatasetPage(ProjectStore& project, const StoreBenchOptions& options) {
  std::cout << "dataset: " << options.datasetRows << " records\n";
  store::DatasetRepository datasets(project);
  const auto dataset = datasets.createDataset({"bench", "bench.jsonl", "00"});
  const auto version = datasets.createVersion(dataset, std::nullopt);
  const auto loadStart = Clock::now();
  std::vector<store::DatasetRow> rows;
  for (int64_t i = 0; i < options.datasetRows; ++i) {
    rows.push_back({0, std::nullopt,
                    "{\"instruction\":\"Summarise record " + std::to_string(i) +
                        " in one sentence.\",\"output\":\"Record " + std::to_string(i) +
                        " is a benchmark row of typical length.\"}"});
    if (rows.size() == 50000 || i + 1 == options.datasetRows) {
      datasets.appendRows(version, rows);
      rows.clear();
    }
  }
  const double loadMs = millisecondsSince(loadStart);
  std::cout << "  loaded in " << fixed(loadMs / 1000, 1) << " s\n";

  auto reader = ProjectStore::open(project.file());
  store::DatasetRepository readerDatasets(reader);
  std::mt19937_64 random(11);
  Timings pages;
  for (int i = 0; i < 200; ++i) {
    const int64_t offset = static_cast<int64_t>(random() % options.datasetRows);
    const auto start = Clock::now();
    const auto page = readerDatasets.page(version, offset, 100);
    pages.ms.push_back(millisecondsSince(start));
    if (page.empty()) std::cout << "  unexpected empty page at " << offset << "\n";
  }
  std::cout << "  100-row pages at 200 random offsets: first " << fixed(pages.ms[0], 3)
            << " ms, median " << fixed(pages.median(), 3) << " ms, max " << fixed(pages.max(), 3)
            << " ms\n";
  return report("dataset page of 100 rows (max of 200)", pages.max(), "ms", 20.0);
}

}  // namespace

int runStoreBench(const StoreBenchOptions& options) {
  const auto file = options.folder / "bench.tbproj";
  std::cout << "project store benchmark in " << file.string() << " ("
            << sysconf(_SC_NPROCESSORS_ONLN) << " CPUs online)\n";
  auto project = ProjectStore::create(file);
  bool met = benchLogging(project, options);
  met = benchDownsample(project, options) && met;
  met = benchDatasetPage(project, options) && met;
  std::error_code error;
  std::cout << "project file: " << std::filesystem::file_size(file, error) / (1024 * 1024)
            << " MiB\n";
  return met ? 0 : 1;
}

}  // namespace tunebench::cli
