#pragma once
// Metric points of runs. Values keep NaN and ±Inf (value NULL + kind); chart queries read the
// per-block rollups (migration 0003) so that they cost a few rows per pixel, not one per step.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct MetricPoint {
  int64_t runId = 0;
  std::string key;
  int64_t step = 0;  // >= 0
  double value = 0;
  double wallTime = 0;
};

struct MetricValue {
  int64_t step = 0;
  double value = 0;
  double wallTime = 0;
};

// A bucket of a downsampled series: the finite minimum and maximum (absent when the bucket holds
// only NaN/Inf) and how many points fell in it.
struct MetricBucket {
  int64_t firstStep = 0;
  int64_t lastStep = 0;
  std::optional<double> min;
  std::optional<double> max;
  int64_t count = 0;
  int64_t nonFinite = 0;
};

struct MetricSeries {
  int64_t runId = 0;
  std::string key;
  // Bucket k covers steps [origin + k * bucketWidth, origin + (k + 1) * bucketWidth).
  int64_t origin = 0;
  int64_t bucketWidth = 1;
  std::vector<MetricBucket> buckets;  // non-empty buckets in step order
};

struct StepRange {
  int64_t from = 0;
  int64_t to = std::numeric_limits<int64_t>::max();
};

class MetricRepository {
 public:
  explicit MetricRepository(ProjectStore& store) : store_(store) {}

  // Writes the points and keeps their rollups exact, in one Relaxed transaction (or as part of
  // the caller's). A point at an existing (run, key, step) replaces it.
  void append(const std::vector<MetricPoint>& points);

  std::vector<MetricValue> points(int64_t runId, const std::string& key, StepRange range = {});
  std::vector<std::string> keys(int64_t runId);
  int64_t count(int64_t runId);
  // The point with the highest step.
  std::optional<MetricValue> last(int64_t runId, const std::string& key);
  // The mean of the finite values; empty when there are none.
  std::optional<double> mean(int64_t runId, const std::string& key);
  // The wall time of the point at each step (empty where there is none): one index seek each.
  std::vector<std::optional<double>> wallTimesAt(int64_t runId, const std::string& key,
                                                 const std::vector<int64_t>& steps);

  // Each (run, key) reduced to at most pixelBudget buckets of whole rollup blocks, keeping every
  // bucket's min and max so that spikes survive. Series with no points in range are omitted.
  // One read snapshot for all series. Tens of milliseconds at a million rows: call it from a
  // worker, not the GUI thread.
  std::vector<MetricSeries> downsample(const std::vector<int64_t>& runIds,
                                       const std::vector<std::string>& keys, int pixelBudget,
                                       StepRange range = {});

 private:
  int64_t keyId(const std::string& name);
  std::optional<int64_t> findKeyId(const std::string& name);

  ProjectStore& store_;
  std::unordered_map<std::string, int64_t> keyIds_;
};

}  // namespace tunebench::store
