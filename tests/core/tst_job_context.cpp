#include <QtTest>

#include <atomic>
#include <thread>

#include "jobs/BasicJobContext.h"

using tunebench::BasicJobContext;

class JobContextTest : public QObject {
  Q_OBJECT
 private slots:
  void reportsReachCallbacks() {
    BasicJobContext context;
    int64_t lastDone = -1;
    double lastValue = 0;
    std::string lastLog;
    context.onProgress = [&](int64_t done, int64_t, const std::string&) { lastDone = done; };
    context.onMetric = [&](int64_t, const std::string&, double value) { lastValue = value; };
    context.onLog = [&](tunebench::LogLevel, const std::string& text) { lastLog = text; };
    context.progress(7, 10, "x");
    context.metric(1, "loss", 2.5);
    context.log(tunebench::LogLevel::Info, "hello");
    QCOMPARE(lastDone, int64_t(7));
    QCOMPARE(lastValue, 2.5);
    QCOMPARE(QString::fromStdString(lastLog), QStringLiteral("hello"));
  }

  void pauseBlocksUntilResumed() {
    BasicJobContext context;
    context.pause();
    std::atomic<bool> passed{false};
    std::thread worker([&] {
      context.waitIfPaused();
      passed = true;
    });
    QTest::qWait(50);
    QVERIFY(!passed.load());
    context.resume();
    worker.join();
    QVERIFY(passed.load());
  }

  void cancelReleasesAPausedJob() {
    BasicJobContext context;
    context.pause();
    std::thread worker([&] { context.waitIfPaused(); });
    QTest::qWait(20);
    context.cancel();
    worker.join();
    QVERIFY(context.isCanceled());
  }
};

QTEST_GUILESS_MAIN(JobContextTest)
#include "tst_job_context.moc"
