#pragma once
// Runs work off the GUI thread and hands back only the newest answer, on the GUI thread.
// - run() while a request runs: the newest work waits and starts when the running one returns;
//   the running one's result is then stale and dropped (asked three times, it runs once more).
// - A result reaches onResult only when no newer request was made and clear() was not called.
// - An exception thrown by the work reaches onError with its message.
// - Destroying the task never waits: running work finishes on its worker and its result is
//   dropped. So the work must capture values or shared pointers, never the task's owner.
#include <QFutureWatcher>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>
#include <functional>
#include <optional>
#include <utility>

#include "common/BackgroundRequests.h"

namespace tunebench::ui {

template <typename T>
class BackgroundTask {
 public:
  using Work = std::function<T()>;
  using ResultHandler = std::function<void(T)>;
  using ErrorHandler = std::function<void(const QString&)>;

  // The handlers run on the thread that owns the task (the GUI thread). pool: nullptr for Qt's
  // global pool.
  explicit BackgroundTask(ResultHandler onResult, ErrorHandler onError = {},
                          QThreadPool* pool = nullptr)
      : onResult_(std::move(onResult)),
        onError_(std::move(onError)),
        pool_(pool ? pool : QThreadPool::globalInstance()) {
    QObject::connect(&watcher_, &QFutureWatcherBase::finished, &watcher_, [this] { returned(); });
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  // cancel (optional) is called on this thread when the started work becomes stale, so that
  // long work can stop early (e.g. a JobContext shared with the work).
  void run(Work work, std::function<void()> cancel = {}) {
    requests_.submit({[this, work = std::move(work)] { start(work); }, std::move(cancel)});
  }
  // Drops the running request's result and any waiting request (e.g. the project closed).
  void clear() { requests_.clear(); }
  // A result is still to come (a stale request still running does not count).
  bool isBusy() const { return requests_.isBusy(); }

 private:
  struct Outcome {
    std::optional<T> value;
    QString error;
  };

  static Outcome attempt(const Work& work) {
    Outcome outcome;
    try {
      outcome.value = work();
    } catch (const std::exception& e) {
      outcome.error = QString::fromUtf8(e.what());
    } catch (...) {
      outcome.error = QStringLiteral("the work stopped with an unknown error");
    }
    return outcome;
  }

  void start(Work work) {
    watcher_.setFuture(
        QtConcurrent::run(pool_, [work = std::move(work)] { return attempt(work); }));
  }

  void returned() {
    Outcome outcome = watcher_.result();
    if (!requests_.finish()) return;
    if (outcome.value) {
      if (onResult_) onResult_(std::move(*outcome.value));
    } else if (onError_) {
      onError_(outcome.error);
    }
  }

  ResultHandler onResult_;
  ErrorHandler onError_;
  QThreadPool* pool_;
  BackgroundRequests requests_;
  // Declared last, destroyed first: once it is gone, no result reaches returned().
  QFutureWatcher<Outcome> watcher_;
};

}  // namespace tunebench::ui
