// BackgroundTask: only the newest request's result reaches the GUI thread; asked again while
// running, the task runs once more with the newest work; errors arrive as text; destroying the
// task neither waits for the running work nor calls back. The work is gated by semaphores the
// test releases, and a private thread pool tells when the workers are done.
#include <QCoreApplication>
#include <QSemaphore>
#include <QTest>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "common/BackgroundTask.h"

using tunebench::ui::BackgroundTask;

namespace {

// What the work shares with the test: it says when it started, then waits for the test.
struct Gate {
  QSemaphore started;
  QSemaphore go;
  std::atomic<int> runs{0};
};

// Work that returns value once the test lets it go.
std::function<int()> gated(const std::shared_ptr<Gate>& gate, int value) {
  return [gate, value] {
    ++gate->runs;
    gate->started.release();
    gate->go.acquire();
    return value;
  };
}

struct Received {
  QList<int> results;
  QStringList errors;
};

std::unique_ptr<BackgroundTask<int>> makeTask(Received& received, QThreadPool* pool) {
  return std::make_unique<BackgroundTask<int>>(
      [&received](int value) { received.results << value; },
      [&received](const QString& error) { received.errors << error; }, pool);
}

// Every queued result has reached the GUI thread once the pool's workers are done.
void drain(QThreadPool& pool) {
  pool.waitForDone();
  QCoreApplication::sendPostedEvents();
  QCoreApplication::processEvents();
}

}  // namespace

class TestBackgroundTask : public QObject {
  Q_OBJECT
 private slots:
  void deliversTheResult() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    auto gate = std::make_shared<Gate>();
    task->run(gated(gate, 7));
    QVERIFY(task->isBusy());
    gate->go.release();
    QTRY_COMPARE(received.results, QList<int>{7});
    QVERIFY(received.errors.isEmpty());
    QVERIFY(!task->isBusy());
  }

  void dropsAStaleResult() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    auto gate = std::make_shared<Gate>();
    task->run(gated(gate, 1));
    gate->started.acquire();
    task->clear();  // e.g. the project closed while reading it
    QVERIFY(!task->isBusy());
    gate->go.release();
    drain(pool);
    QVERIFY(received.results.isEmpty());
    QVERIFY(received.errors.isEmpty());
  }

  void coalescesRequestsMadeWhileRunning() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    auto gate = std::make_shared<Gate>();
    task->run(gated(gate, 0));
    gate->started.acquire();
    task->run(gated(gate, 1));
    task->run(gated(gate, 2));
    task->run(gated(gate, 3));
    QCOMPARE(gate->runs.load(), 1);
    gate->go.release(3);  // enough for the runs allowed: the first and at most two more
    QTRY_COMPARE(received.results, QList<int>{3});
    drain(pool);
    QCOMPARE(received.results, QList<int>{3});
    QVERIFY(gate->runs.load() >= 2);
    QVERIFY(gate->runs.load() <= 3);
    QVERIFY(!task->isBusy());
  }

  void cancelsStaleWork() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    auto gate = std::make_shared<Gate>();
    int canceled = 0;
    task->run(gated(gate, 1), [&canceled] { ++canceled; });
    gate->started.acquire();
    task->run(gated(gate, 2));
    QCOMPARE(canceled, 1);
    gate->go.release(2);
    QTRY_COMPARE(received.results, QList<int>{2});
    QCOMPARE(canceled, 1);
  }

  void deliversErrors() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    task->run([]() -> int { throw std::runtime_error("reading runs: the file is locked"); });
    QTRY_COMPARE(received.errors, QStringList{QStringLiteral("reading runs: the file is locked")});
    QVERIFY(received.results.isEmpty());
    // The task stays usable after an error.
    task->run([] { return 5; });
    QTRY_COMPARE(received.results, QList<int>{5});
  }

  void destroyingNeitherWaitsNorCallsBack() {
    QThreadPool pool;
    Received received;
    auto task = makeTask(received, &pool);
    auto gate = std::make_shared<Gate>();
    int canceled = 0;
    task->run(gated(gate, 9), [&canceled] { ++canceled; });
    task->run(gated(gate, 10));  // waiting: never started
    gate->started.acquire();
    // The work is held at its gate: were the destructor to wait for it, this would never return.
    task.reset();
    QCOMPARE(canceled, 1);
    gate->go.release();
    drain(pool);
    QCOMPARE(gate->runs.load(), 1);
    QVERIFY(received.results.isEmpty());
    QVERIFY(received.errors.isEmpty());
  }
};

QTEST_GUILESS_MAIN(TestBackgroundTask)
#include "tst_background_task.moc"
