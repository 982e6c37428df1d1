// JobRunner: a job's progress and outcome reach the GUI thread; destroying the runner while the
// job runs cancels it without waiting, and the job, finishing on its own thread, reports nothing
// more. The job is gated by semaphores the test releases.
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <memory>

#include "jobs/JobRunner.h"

using tunebench::Job;
using tunebench::JobContext;
using tunebench::LogLevel;
using tunebench::ui::JobRunner;

namespace {

struct Gate {
  QSemaphore started;
  QSemaphore go;
  std::atomic<bool> sawCancel{false};
  std::atomic<bool> ended{false};
};

// Reports, waits for the test, then reports again.
class GatedJob : public Job {
 public:
  explicit GatedJob(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  std::string name() const override { return "gated"; }
  void run(JobContext& context) override {
    context.progress(1, 2, "first half");
    gate_->started.release();
    gate_->go.acquire();
    gate_->sawCancel = context.isCanceled();
    context.log(LogLevel::Info, "after the gate");
    context.progress(2, 2, "done");
    gate_->ended = true;
  }

 private:
  std::shared_ptr<Gate> gate_;
};

}  // namespace

class TestJobRunner : public QObject {
  Q_OBJECT
 private slots:
  void runsAJobToTheEnd() {
    auto gate = std::make_shared<Gate>();
    JobRunner runner(std::make_unique<GatedJob>(gate));
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start();
    gate->started.acquire();
    gate->go.release();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(runner.outcome(), JobRunner::Outcome::Succeeded);
    QCOMPARE(runner.progress().done, 2);
  }

  // A paused job has no time left to count down; after resuming it has an estimate again.
  void aPausedJobHasNoEstimate() {
    auto gate = std::make_shared<Gate>();
    JobRunner runner(std::make_unique<GatedJob>(gate));
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start();
    gate->started.acquire();  // progress 1 of 2 is reported
    QVERIFY(runner.etaSeconds() >= 0);
    runner.pause();
    QVERIFY(runner.isPaused());
    QCOMPARE(runner.etaSeconds(), -1.0);
    runner.resume();
    QVERIFY(runner.etaSeconds() >= 0);
    gate->go.release();
    QTRY_COMPARE(finished.count(), 1);
  }

  void destroyingCancelsWithoutWaiting() {
    auto gate = std::make_shared<Gate>();
    auto runner = std::make_unique<JobRunner>(std::make_unique<GatedJob>(gate));
    auto logged = std::make_shared<std::atomic<int>>(0);
    runner->context().onLog = [logged](LogLevel, const std::string&) { ++*logged; };
    runner->start();
    gate->started.acquire();
    // The job is held at its gate: were the destructor to wait for it, this would never return.
    runner.reset();
    QVERIFY(!gate->ended);
    gate->go.release();
    JobRunner::waitForDetachedJobs();
    QVERIFY(gate->ended);
    QVERIFY(gate->sawCancel);
    QCOMPARE(logged->load(), 0);  // the owner's callbacks are not called after it went
  }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
