// Metrics: faithful values (NaN, ±Inf), exact downsampling, the batched writer and a reader that
// reads while a writer writes.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "StoreTestSupport.h"
#include "jobs/BasicJobContext.h"
#include "store/EventRepository.h"
#include "store/MetricRepository.h"
#include "store/MetricWriter.h"
#include "store/RunJobContext.h"
#include "store/RunRepository.h"

using namespace tunebench::store;

Q_DECLARE_METATYPE(double)

namespace {

bool sameDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// What a bucket must hold, computed from the points directly.
std::vector<MetricBucket> bruteForce(const std::map<int64_t, double>& points, int64_t from,
                                     int64_t to, int64_t origin, int64_t width) {
  std::vector<MetricBucket> buckets;
  int64_t lastIndex = -1;
  for (const auto& [step, value] : points) {
    if (step < from || step > to) continue;
    const int64_t index = (step - origin) / width;
    if (buckets.empty() || index != lastIndex) {
      buckets.push_back({step, step, std::nullopt, std::nullopt, 0, 0});
      lastIndex = index;
    }
    auto& bucket = buckets.back();
    bucket.lastStep = step;
    ++bucket.count;
    if (!std::isfinite(value)) {
      ++bucket.nonFinite;
      continue;
    }
    bucket.min = bucket.min ? std::min(*bucket.min, value) : value;
    bucket.max = bucket.max ? std::max(*bucket.max, value) : value;
  }
  return buckets;
}

}  // namespace

class StoreMetricsTest : public QObject {
  Q_OBJECT
 private slots:
  void valuesRoundTripExactly_data() {
    QTest::addColumn<double>("value");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity();
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity();
    QTest::newRow("zero") << 0.0;
    QTest::newRow("denormal") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("largest") << std::numeric_limits<double>::max();
    QTest::newRow("lowest") << std::numeric_limits<double>::lowest();
    QTest::newRow("third") << 1.0 / 3.0;
  }

  void valuesRoundTripExactly() {
    QFETCH(double, value);
    QTemporaryDir dir;
    const auto file = storetest::projectPath(dir);
    int64_t run = 0;
    {
      auto store = ProjectStore::create(file);
      run = RunRepository(store).create({"r"});
      MetricRepository(store).append({{run, "loss", 7, value, 123.5}});
    }
    auto store = ProjectStore::open(file);
    const auto points = MetricRepository(store).points(run, "loss");
    QCOMPARE(points.size(), size_t(1));
    QCOMPARE(points[0].step, int64_t(7));
    QCOMPARE(points[0].wallTime, 123.5);
    QVERIFY2(sameDouble(points[0].value, value), qPrintable(QString::number(points[0].value)));
  }

  void nonFiniteValuesStayOutOfMinAndMax() {
    QTemporaryDir dir;
    auto store = ProjectStore::create(storetest::projectPath(dir));
    const auto run = RunRepository(store).create({"r"});
    const double inf = std::numeric_limits<double>::infinity();
    MetricRepository metrics(store);
    metrics.append({{run, "loss", 0, 2.0, 0},
                    {run, "loss", 1, inf, 0},
                    {run, "loss", 2, -inf, 0},
                    {run, "loss", 3, std::nan(""), 0},
                    {run, "loss", 4, -1.0, 0},
                    {run, "only-nan", 0, std::nan(""), 0}});
    const auto series = metrics.downsample({run}, {"loss", "only-nan"}, 1);
    QCOMPARE(series.size(), size_t(2));
    QCOMPARE(series[0].buckets.size(), size_t(1));
    QCOMPARE(*series[0].buckets[0].min, -1.0);
    QCOMPARE(*series[0].buckets[0].max, 2.0);
    QCOMPARE(series[0].buckets[0].count, int64_t(5));
    QCOMPARE(series[0].buckets[0].nonFinite, int64_t(3));
    QVERIFY(!series[1].buckets[0].min && !series[1].buckets[0].max);
    QCOMPARE(series[1].buckets[0].nonFinite, int64_t(1));
  }

  void downsampleKeepsEveryBucketsExtremes_data() {
    QTest::addColumn<int>("budget");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    const qint64 all = std::numeric_limits<int64_t>::max();
    QTest::newRow("whole run, 1000 px") << 1000 << qint64(0) << all;
    QTest::newRow("whole run, 37 px") << 37 << qint64(0) << all;
    QTest::newRow("whole run, 1 px") << 1 << qint64(0) << all;
    QTest::newRow("more pixels than points") << 500000 << qint64(0) << all;
    QTest::newRow("zoom on unaligned range") << 300 << qint64(12345) << qint64(98765);
    QTest::newRow("zoom on a few steps") << 800 << qint64(70001) << qint64(70017);
    QTest::newRow("range past the end") << 200 << qint64(150000) << all;
  }

  void downsampleKeepsEveryBucketsExtremes() {
    QFETCH(int, budget);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QTemporaryDir dir;
    auto store = ProjectStore::create(storetest::projectPath(dir));
    const auto run = RunRepository(store).create({"r"});
    MetricRepository metrics(store);

    // 200k steps with gaps, spikes, non-finite values, and a second pass that replaces points.
    std::mt19937_64 random(42);
    std::map<int64_t, double> expected;
    std::vector<MetricPoint> batch;
    auto flush = [&] {
      metrics.append(batch);
      batch.clear();
    };
    for (int64_t step = 0; step < 200000; step += 1 + random() % 3) {
      double value = std::sin(step * 0.001) + (random() % 1000) * 1e-4;
      if (random() % 5000 == 0) value = 1000.0 + random() % 100;  // spike
      if (random() % 7000 == 0) value = std::nan("");
      if (random() % 9000 == 0) value = std::numeric_limits<double>::infinity();
      batch.push_back({run, "loss", step, value, 0});
      expected[step] = value;
      if (batch.size() == 4096) flush();
    }
    flush();
    for (int64_t step = 60000; step < 61000; ++step) {  // a resumed run rewrites these steps
      batch.push_back({run, "loss", step, -5.0 + step % 7, 0});
      expected[step] = -5.0 + step % 7;
    }
    flush();

    const auto series = metrics.downsample({run}, {"loss"}, budget, {from, to});
    QCOMPARE(series.size(), size_t(1));
    const auto& got = series[0];
    QVERIFY(got.buckets.size() <= size_t(budget));
    QVERIFY(got.bucketWidth >= 1);
    const auto want = bruteForce(expected, from, to, got.origin, got.bucketWidth);
    QCOMPARE(got.buckets.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const auto& a = got.buckets[i];
      const auto& b = want[i];
      QVERIFY2(
          a.firstStep == b.firstStep && a.lastStep == b.lastStep && a.count == b.count &&
              a.nonFinite == b.nonFinite && a.min == b.min && a.max == b.max,
          qPrintable(
              QString("bucket %1 differs (steps %2..%3)").arg(i).arg(b.firstStep).arg(b.lastStep)));
    }
  }

  void downsamplesSeveralRunsAndKeys() {
    QTemporaryDir dir;
    auto store = ProjectStore::create(storetest::projectPath(dir));
    RunRepository runs(store);
    MetricRepository metrics(store);
    const auto a = runs.create({"a"});
    const auto b = runs.create({"b"});
    std::vector<MetricPoint> points;
    for (int step = 0; step < 5000; ++step) {
      points.push_back({a, "loss", step, 1.0, 0});
      points.push_back({b, "loss", step * 2, 2.0, 0});
      points.push_back({b, "lr", step, 3.0, 0});
    }
    metrics.append(points);
    const auto series = metrics.downsample({a, b}, {"loss", "lr", "unknown"}, 100);
    QCOMPARE(series.size(), size_t(3));  // a has no lr; nobody has unknown
    QCOMPARE(series[0].runId, a);
    QCOMPARE(series[1].runId, b);
    QCOMPARE(series[1].key, std::string("loss"));
    QCOMPARE(series[2].key, std::string("lr"));
    QCOMPARE(*series[1].buckets.front().max, 2.0);
    QCOMPARE(metrics.keys(b), (std::vector<std::string>{"loss", "lr"}));
    QCOMPARE(metrics.count(b), int64_t(10000));
  }

  void rejectsNegativeSteps() {
    QTemporaryDir dir;
    auto store = ProjectStore::create(storetest::projectPath(dir));
    const auto run = RunRepository(store).create({"r"});
    MetricRepository metrics(store);
    storetest::expectError(
        [&] {
          metrics.append({{run, "loss", 0, 1, 0}, {run, "loss", -1, 1, 0}});
        },
        {"negative"});
    QCOMPARE(metrics.count(run), int64_t(0));  // all or nothing
    metrics.append({{run, "loss", 0, 1, 0}});  // key cache still valid after the rollback
    QCOMPARE(metrics.count(run), int64_t(1));
  }

  void writerFlushesInOneTransactionPerInterval() {
    QTemporaryDir dir;
    const auto file = storetest::projectPath(dir);
    auto store = ProjectStore::create(file);
    RunRepository runs(store);
    const auto run = runs.create({"r"});
    runs.markRunning(run, getpid());
    const double beatBefore = *runs.find(run)->heartbeatAt;
    auto reader = ProjectStore::open(file);
    MetricRepository readerMetrics(reader);

    MetricWriter writer(store, run, std::chrono::hours(1));
    for (int step = 0; step < 100; ++step) writer.add(step, "loss", 1.0 / (step + 1));
    QCOMPARE(writer.pending(), size_t(100));
    QCOMPARE(readerMetrics.count(run), int64_t(0));
    QTest::qWait(5);
    writer.flush();
    QCOMPARE(writer.pending(), size_t(0));
    QCOMPARE(writer.committed(), int64_t(100));
    QCOMPARE(readerMetrics.count(run), int64_t(100));
    QVERIFY(*RunRepository(reader).find(run)->heartbeatAt > beatBefore);

    MetricWriter eager(store, run, std::chrono::milliseconds(0));
    eager.add(100, "loss", 0.5);
    QCOMPARE(eager.pending(), size_t(0));
    QCOMPARE(readerMetrics.count(run), int64_t(101));
  }

  void runJobContextRecordsMetricsAndWarnings() {
    QTemporaryDir dir;
    auto store = ProjectStore::create(storetest::projectPath(dir));
    const auto run = RunRepository(store).create({"r"});
    tunebench::BasicJobContext inner;
    int innerMetrics = 0;
    int innerLogs = 0;
    inner.onMetric = [&](int64_t, const std::string&, double) { ++innerMetrics; };
    inner.onLog = [&](tunebench::LogLevel, const std::string&) { ++innerLogs; };
    MetricRepository metrics(store);
    {
      RunJobContext context(inner, store, run, std::chrono::hours(1));
      for (int step = 0; step < 10; ++step) {
        context.waitIfPaused();
        context.metric(step, "loss", 1.0 / (step + 1));
      }
      context.log(tunebench::LogLevel::Info, "step 10");
      context.log(tunebench::LogLevel::Warning, "loss is NaN at step 11");
      QCOMPARE(context.writer().pending(), size_t(10));
      QCOMPARE(metrics.count(run), int64_t(0));
      QVERIFY(!context.isCanceled());
      inner.cancel();
      QVERIFY(context.isCanceled());
    }  // the writer flushes what is left
    QCOMPARE(metrics.count(run), int64_t(10));
    QCOMPARE(innerMetrics, 10);
    QCOMPARE(innerLogs, 2);
    const auto events = EventRepository(store).list(run);
    QCOMPARE(events.size(), size_t(1));
    QCOMPARE(events[0].message, std::string("loss is NaN at step 11"));
    QCOMPARE(events[0].level, tunebench::LogLevel::Warning);
  }

  void readerSeesConsistentDataWhileAWriterWrites() {
    QTemporaryDir dir;
    const auto file = storetest::projectPath(dir);
    int64_t run = 0;
    {
      auto store = ProjectStore::create(file);
      run = RunRepository(store).create({"r"});
    }
    constexpr int kBatch = 50;
    constexpr int kBatches = 300;
    std::atomic<bool> done{false};
    std::atomic<int> reads{0};
    std::string writerError;
    std::thread writerThread([&] {
      try {
        auto store = ProjectStore::open(file);
        MetricWriter writer(store, run, std::chrono::hours(1));
        for (int batch = 0; batch < kBatches; ++batch) {
          for (int i = 0; i < kBatch; ++i) {
            const int64_t step = int64_t(batch) * kBatch + i;
            writer.add(step, "loss", double(step));
          }
          writer.flush();
          // On a fast machine the writer could finish before the reader's first read; the first
          // few flushes wait for a read so that reads really interleave with writes.
          const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
          while (batch < 3 && reads.load() <= batch && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      } catch (const std::exception& e) {
        writerError = e.what();
      }
      done = true;
    });

    auto reader = ProjectStore::open(file);
    MetricRepository metrics(reader);
    int64_t lastCount = 0;
    while (!done || reads == 0) {
      ReadTransaction snapshot(reader.db());
      const int64_t count = metrics.count(run);
      const auto points = metrics.points(run, "loss");
      QCOMPARE(int64_t(points.size()), count);
      QVERIFY(count >= lastCount);
      QCOMPARE(count % kBatch, int64_t(0));  // never half a flush
      for (size_t i = 0; i < points.size(); ++i) QCOMPARE(points[i].step, int64_t(i));
      if (count > 0) {
        const auto series = metrics.downsample({run}, {"loss"}, 64);
        int64_t total = 0;
        for (const auto& bucket : series.at(0).buckets) total += bucket.count;
        QCOMPARE(total, count);
        QCOMPARE(*series[0].buckets.back().max, double(count - 1));
      }
      lastCount = count;
      ++reads;
    }
    writerThread.join();
    QVERIFY2(writerError.empty(), writerError.c_str());
    QCOMPARE(metrics.count(run), int64_t(kBatch) * kBatches);
    QVERIFY(reads > 1);
  }
};

QTEST_GUILESS_MAIN(StoreMetricsTest)
#include "tst_store_metrics.moc"
