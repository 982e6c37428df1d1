// kill -9 of a process writing metrics, at random moments: the project must stay intact, hold
// exactly the points the writer saw committed (or the batch it was committing), and the run must
// be found interrupted on the next open. The writer is tests/fixtures/StoreCrashWriter.cpp.
#include <QProcess>
#include <QtTest>

#include <random>

#include "StoreTestSupport.h"
#include "store/MetricRepository.h"
#include "store/RunRepository.h"

using namespace tunebench::store;

namespace {

struct WriterReport {
  int64_t committed = 0;
  int64_t pending = 0;  // announced after the last commit line, or equal to committed
};

WriterReport parseReport(const QString& output) {
  WriterReport report;
  for (const auto& line : output.split('\n', Qt::SkipEmptyParts)) {
    const auto parts = line.split(' ');
    if (parts.size() != 2) continue;
    if (parts[0] == "committed") report.committed = report.pending = parts[1].toLongLong();
    if (parts[0] == "pending") report.pending = parts[1].toLongLong();
  }
  return report;
}

}  // namespace

class StoreCrashTest : public QObject {
  Q_OBJECT
 private slots:
  void killedWriterLeavesAConsistentProject() {
    QTemporaryDir dir;
    const auto file = storetest::projectPath(dir);
    { ProjectStore::create(file); }
    std::mt19937 random(20261126);
    constexpr int kIterations = 60;
    int killedMidBatch = 0;
    int64_t committedRows = 0;
    for (int iteration = 0; iteration < kIterations; ++iteration) {
      int64_t run = 0;
      {
        auto store = ProjectStore::open(file);
        run = RunRepository(store).create({"crash " + std::to_string(iteration)});
      }
      QProcess writer;
      writer.start(
          QStringLiteral(TUNEBENCH_BINARY_DIR "/bin/tb_store_crash_writer"),
          {QString::fromStdString(file.string()), QString::number(run), QString::number(random())});
      QVERIFY(writer.waitForStarted(10000));
      QString output;
      while (!output.contains("started\n")) {
        QVERIFY2(writer.waitForReadyRead(10000), qPrintable(writer.readAllStandardError()));
        output += QString::fromUtf8(writer.readAllStandardOutput());
      }
      QThread::usleep(random() % 60000);  // a random moment while it writes
      writer.kill();                      // SIGKILL
      QVERIFY(writer.waitForFinished(10000));
      output += QString::fromUtf8(writer.readAllStandardOutput());
      QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
      const auto report = parseReport(output);
      if (report.pending != report.committed) ++killedMidBatch;
      committedRows += report.committed;

      OpenOptions options;
      options.staleRunAfter = std::chrono::milliseconds(0);
      auto store = ProjectStore::open(file, options);
      QCOMPARE(store.integrityCheck(), std::vector<std::string>{"ok"});
      QCOMPARE(store.recoveredRuns(), std::vector<int64_t>{run});
      QCOMPARE(RunRepository(store).find(run)->status, RunStatus::Interrupted);
      MetricRepository metrics(store);
      const int64_t present =
          int64_t(metrics.points(run, "loss").size() + metrics.points(run, "lr").size());
      QVERIFY2(present == report.committed || present == report.pending,
               qPrintable(QString("iteration %1: %2 rows present, writer reported %3 committed "
                                  "(%4 pending)")
                              .arg(iteration)
                              .arg(present)
                              .arg(report.committed)
                              .arg(report.pending)));
      QCOMPARE(metrics.count(run), present);  // the rollups agree with the points
    }
    // The random moments must also have hit writes in progress, not only idle gaps.
    qInfo("killed during a commit in %d of %d iterations; %lld rows committed in all",
          killedMidBatch, kIterations, static_cast<long long>(committedRows));
    QVERIFY(killedMidBatch > 0);
    QVERIFY(committedRows > 0);
  }
};

QTEST_GUILESS_MAIN(StoreCrashTest)
#include "tst_store_crash.moc"
