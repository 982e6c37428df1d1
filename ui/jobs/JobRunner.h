#pragma once
// Runs one core Job on its own QThread. The job reports through a thread-safe JobContext; the GUI
// side picks up the latest report from a timer (at most 25 times a second), so a job that reports
// every millisecond never floods the event loop with repaints. Destroying a runner never waits
// for its job: the job is canceled and finishes on its own thread, keeping what it uses alive,
// and reports nothing more.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

#include "jobs/BasicJobContext.h"

class QThread;

namespace tunebench::ui {

class JobRunner : public QObject {
  Q_OBJECT
 public:
  enum class Outcome { Running, Succeeded, Failed, Canceled };
  struct Progress {
    qint64 done = 0;
    qint64 total = 0;  // <= 0: unknown amount of work
    QString text;
  };
  static constexpr int kRefreshIntervalMs = 40;
  static constexpr int kJobNiceness = 10;

  explicit JobRunner(std::unique_ptr<Job> job, QObject* parent = nullptr);
  // Cancels a running job without waiting for it: the job ends on its thread, which owns the job
  // and its context from then on; the context's callbacks are not called again.
  ~JobRunner() override;
  // Waits for the jobs of destroyed runners to end (called once the GUI has closed, before the
  // process exits, so that no job runs while the program's statics go away).
  static void waitForDetachedJobs();

  void start();
  // Set the context's metric, log and event callbacks before start(); they run on the job's
  // thread. (Progress is the runner's own.)
  BasicJobContext& context();
  bool isPaused() const;
  QString name() const { return name_; }
  Job& job();
  Outcome outcome() const { return outcome_; }
  bool isRunning() const { return outcome_ == Outcome::Running && thread_ != nullptr; }
  QString errorText() const { return error_; }
  Progress progress() const;
  // Seconds left, extrapolated from the rate so far; negative when it cannot be told yet.
  double etaSeconds() const;

 public slots:
  void cancel();
  // The job waits at its next waitIfPaused() until resumed (or canceled).
  void pause();
  void resume();

 signals:
  void progressChanged();
  void finished();

 private:
  void refresh();
  void onThreadFinished();

  struct Shared;  // what the job's thread uses; it outlives the runner while the job runs

  std::shared_ptr<Shared> shared_;
  QString name_;
  QThread* thread_ = nullptr;
  QTimer refreshTimer_;
  QElapsedTimer elapsed_;
  // Time spent paused does not count towards the estimate.
  QElapsedTimer pausedFor_;
  qint64 pausedMs_ = 0;
  Outcome outcome_ = Outcome::Running;
  QString error_;
};

QString formatEta(double seconds);

}  // namespace tunebench::ui
