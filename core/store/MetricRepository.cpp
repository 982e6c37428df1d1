#include "store/MetricRepository.h"

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoredDouble.h"

namespace tunebench::store {

namespace {

// The level/shift layout of metric_rollup (migration 0003).
constexpr int kLevels = 4;
constexpr int kShift = 4;  // 16 children per block

int64_t blockSize(int level) {
  return int64_t(1) << (kShift * level);
}

// Accumulates blocks or points (always arriving in step order) into fixed-width buckets.
class BucketSink {
 public:
  BucketSink(int64_t origin, int64_t width) : origin_(origin), width_(width) {}

  void add(const MetricBucket& part) {
    const int64_t index = (part.firstStep - origin_) / width_;
    if (buckets_.empty() || index != lastIndex_) {
      buckets_.push_back(part);
      lastIndex_ = index;
      return;
    }
    auto& bucket = buckets_.back();
    bucket.lastStep = std::max(bucket.lastStep, part.lastStep);
    if (part.min) bucket.min = bucket.min ? std::min(*bucket.min, *part.min) : part.min;
    if (part.max) bucket.max = bucket.max ? std::max(*bucket.max, *part.max) : part.max;
    bucket.count += part.count;
    bucket.nonFinite += part.nonFinite;
  }

  std::vector<MetricBucket> take() { return std::move(buckets_); }

 private:
  int64_t origin_;
  int64_t width_;
  int64_t lastIndex_ = -1;
  std::vector<MetricBucket> buckets_;
};

}  // namespace

std::optional<int64_t> MetricRepository::findKeyId(const std::string& name) {
  auto cached = keyIds_.find(name);
  if (cached != keyIds_.end()) return cached->second;
  auto select = store_.db().prepare("SELECT id FROM metric_key WHERE name = ?");
  select.bind(1, name);
  if (!select.step()) return std::nullopt;
  keyIds_[name] = select.int64(0);
  return select.int64(0);
}

int64_t MetricRepository::keyId(const std::string& name) {
  if (auto id = findKeyId(name)) return *id;
  if (name.empty()) throw Error("a metric needs a non-empty key");
  store_.db().prepare("INSERT INTO metric_key (name) VALUES (?)").bind(1, name).run();
  return keyIds_[name] = store_.db().lastInsertId();
}

void MetricRepository::append(const std::vector<MetricPoint>& points) {
  if (points.empty()) return;
  auto& db = store_.db();
  Transaction transaction(db, Transaction::Durability::Relaxed);
  try {
    // (run, key, block) of every level-1 block touched.
    std::set<std::tuple<int64_t, int64_t, int64_t>> touched;
    {
      auto insert = db.prepare(
          "INSERT OR REPLACE INTO metric (run_id, key_id, step, value, kind, wall_time) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      for (const auto& point : points) {
        if (point.step < 0)
          throw Error("metric '" + point.key + "': step " + std::to_string(point.step) +
                      " is negative");
        const int64_t key = keyId(point.key);
        const int kind = storedKindOf(point.value);
        insert.bindAll(point.runId, key, point.step);
        if (kind == kFiniteValue)
          insert.bind(4, point.value);
        else
          insert.bindNull(4);
        insert.bind(5, kind).bind(6, point.wallTime);
        insert.run();
        touched.emplace(point.runId, key, point.step >> kShift);
      }
    }
    // Rebuild the touched blocks bottom-up so that replaced points never leave stale extremes.
    auto rebuildFromPoints = db.prepare(
        "INSERT OR REPLACE INTO metric_rollup SELECT ?1, ?2, 1, ?3, MIN(step), MAX(step), "
        "MIN(value), MAX(value), COUNT(*), SUM(kind <> 0) FROM metric "
        "WHERE run_id = ?1 AND key_id = ?2 AND step BETWEEN ?3 * 16 AND ?3 * 16 + 15");
    auto rebuildFromBlocks = db.prepare(
        "INSERT OR REPLACE INTO metric_rollup SELECT ?1, ?2, ?3, ?4, MIN(first_step), "
        "MAX(last_step), MIN(min_value), MAX(max_value), SUM(count), SUM(non_finite) "
        "FROM metric_rollup WHERE run_id = ?1 AND key_id = ?2 AND level = ?3 - 1 "
        "AND block BETWEEN ?4 * 16 AND ?4 * 16 + 15");
    for (int level = 1; level <= kLevels; ++level) {
      std::set<std::tuple<int64_t, int64_t, int64_t>> parents;
      for (const auto& [run, key, block] : touched) {
        if (level == 1)
          rebuildFromPoints.bindAll(run, key, block).run();
        else
          rebuildFromBlocks.bindAll(run, key, level, block).run();
        parents.emplace(run, key, block >> kShift);
      }
      touched = std::move(parents);
    }
    transaction.commit();
  } catch (...) {
    // Key ids made in a rolled-back transaction are gone.
    keyIds_.clear();
    throw;
  }
}

std::vector<MetricValue> MetricRepository::points(int64_t runId, const std::string& key,
                                                  StepRange range) {
  std::vector<MetricValue> values;
  const auto id = findKeyId(key);
  if (!id) return values;
  auto select = store_.db().prepare(
      "SELECT step, value, kind, wall_time FROM metric WHERE run_id = ? AND key_id = ? "
      "AND step BETWEEN ? AND ? ORDER BY step");
  select.bindAll(runId, *id, range.from, range.to);
  while (select.step())
    values.push_back({select.int64(0),
                      decodeStoredDouble(static_cast<int>(select.int64(2)), select.real(1)),
                      select.real(3)});
  return values;
}

std::vector<std::string> MetricRepository::keys(int64_t runId) {
  std::vector<std::string> names;
  auto select = store_.db().prepare(
      "SELECT name FROM metric_key WHERE id IN (SELECT DISTINCT key_id FROM metric_rollup "
      "WHERE run_id = ? AND level = 4) ORDER BY name");
  select.bind(1, runId);
  while (select.step()) names.push_back(select.text(0));
  return names;
}

int64_t MetricRepository::count(int64_t runId) {
  auto select = store_.db().prepare(
      "SELECT coalesce(SUM(count), 0) FROM metric_rollup WHERE run_id = ? AND level = 4");
  select.bind(1, runId);
  select.step();
  return select.int64(0);
}

std::optional<MetricValue> MetricRepository::last(int64_t runId, const std::string& key) {
  const auto id = findKeyId(key);
  if (!id) return std::nullopt;
  auto select = store_.db().prepare(
      "SELECT step, value, kind, wall_time FROM metric WHERE run_id = ? AND key_id = ? "
      "ORDER BY step DESC LIMIT 1");
  select.bindAll(runId, *id);
  if (!select.step()) return std::nullopt;
  return MetricValue{select.int64(0),
                     decodeStoredDouble(static_cast<int>(select.int64(2)), select.real(1)),
                     select.real(3)};
}

std::optional<double> MetricRepository::mean(int64_t runId, const std::string& key) {
  const auto id = findKeyId(key);
  if (!id) return std::nullopt;
  auto select = store_.db().prepare(
      "SELECT AVG(value) FROM metric WHERE run_id = ? AND key_id = ? AND kind = 0");
  select.bindAll(runId, *id);
  select.step();
  return select.optionalReal(0);
}

std::vector<std::optional<double>> MetricRepository::wallTimesAt(
    int64_t runId, const std::string& key, const std::vector<int64_t>& steps) {
  std::vector<std::optional<double>> times(steps.size());
  const auto id = findKeyId(key);
  if (!id) return times;
  auto select = store_.db().prepare(
      "SELECT wall_time FROM metric WHERE run_id = ? AND key_id = ? AND step = ?");
  for (size_t i = 0; i < steps.size(); ++i) {
    select.reset();
    select.bindAll(runId, *id, steps[i]);
    if (select.step()) times[i] = select.real(0);
  }
  return times;
}

std::vector<MetricSeries> MetricRepository::downsample(const std::vector<int64_t>& runIds,
                                                       const std::vector<std::string>& keys,
                                                       int pixelBudget, StepRange range) {
  if (pixelBudget < 1) throw Error("downsampling metrics: the pixel budget must be at least 1");
  auto& db = store_.db();
  ReadTransaction snapshot(db);
  std::vector<MetricSeries> result;
  auto first = db.prepare(
      "SELECT step FROM metric WHERE run_id = ? AND key_id = ? AND step >= ? ORDER BY step LIMIT "
      "1");
  auto last = db.prepare(
      "SELECT step FROM metric WHERE run_id = ? AND key_id = ? AND step <= ? "
      "ORDER BY step DESC LIMIT 1");
  auto rawPoints = db.prepare(
      "SELECT step, value, kind FROM metric WHERE run_id = ? AND key_id = ? "
      "AND step BETWEEN ? AND ? ORDER BY step");
  auto blocks = db.prepare(
      "SELECT first_step, last_step, min_value, max_value, count, non_finite FROM metric_rollup "
      "WHERE run_id = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ? ORDER BY block");

  for (int64_t runId : runIds) {
    for (const auto& key : keys) {
      const auto keyId = findKeyId(key);
      if (!keyId) continue;
      first.bindAll(runId, *keyId, range.from);
      last.bindAll(runId, *keyId, range.to);
      const bool any = first.step() && last.step();
      const int64_t from = any ? first.int64(0) : 0;
      const int64_t to = any ? last.int64(0) : -1;
      first.reset();
      last.reset();
      if (!any || from > to) continue;

      // The coarsest level whose blocks are no wider than a bucket; buckets are whole blocks.
      const int64_t roughWidth = (to - from) / pixelBudget + 1;
      int level = 0;
      while (level < kLevels && blockSize(level + 1) <= roughWidth) ++level;
      const int64_t size = blockSize(level);
      const int64_t origin = from / size * size;
      const int64_t width = ((to - origin) / pixelBudget + 1 + size - 1) / size * size;
      BucketSink sink(origin, width);

      // Whole blocks of `level` in the middle, finer levels for the partial blocks at the ends.
      std::function<void(int, int64_t, int64_t)> collect = [&](int at, int64_t lo, int64_t hi) {
        if (lo > hi) return;
        if (at == 0) {
          rawPoints.bindAll(runId, *keyId, lo, hi);
          while (rawPoints.step()) {
            MetricBucket point;
            point.firstStep = point.lastStep = rawPoints.int64(0);
            point.count = 1;
            if (rawPoints.int64(2) == kFiniteValue)
              point.min = point.max = rawPoints.real(1);
            else
              point.nonFinite = 1;
            sink.add(point);
          }
          rawPoints.reset();
          return;
        }
        const int64_t bs = blockSize(at);
        const int64_t firstWhole = (lo + bs - 1) / bs;
        const int64_t lastWhole = (hi + 1) / bs - 1;
        if (firstWhole > lastWhole) return collect(at - 1, lo, hi);
        collect(at - 1, lo, firstWhole * bs - 1);
        blocks.bindAll(runId, *keyId, at, firstWhole, lastWhole);
        while (blocks.step())
          sink.add({blocks.int64(0), blocks.int64(1), blocks.optionalReal(2),
                    blocks.optionalReal(3), blocks.int64(4), blocks.int64(5)});
        blocks.reset();
        collect(at - 1, (lastWhole + 1) * bs, hi);
      };
      collect(level, from, to);
      result.push_back({runId, key, origin, width, sink.take()});
    }
  }
  return result;
}

}  // namespace tunebench::store
