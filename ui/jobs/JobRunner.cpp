#include "jobs/JobRunner.h"

#include <QCoreApplication>
#include <QList>
#include <QPointer>
#include <QThread>
#include <mutex>
#include <utility>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tunebench::ui {

namespace {

// What the job sees: cancel and pause come from the owner's context; reports go to it until the
// runner goes (detach()), after which they are dropped. The lock makes detach() wait at most for
// a report being delivered, never for the job.
class DetachableContext final : public JobContext {
 public:
  explicit DetachableContext(BasicJobContext& owner) : owner_(owner) {}

  void detach() {
    std::lock_guard lock(mutex_);
    detached_ = true;
  }
  bool isCanceled() const override { return owner_.isCanceled(); }
  void waitIfPaused() override { owner_.waitIfPaused(); }
  void progress(int64_t done, int64_t total, const std::string& text) override {
    std::lock_guard lock(mutex_);
    if (!detached_) owner_.progress(done, total, text);
  }
  void metric(int64_t step, const std::string& key, double value) override {
    std::lock_guard lock(mutex_);
    if (!detached_) owner_.metric(step, key, value);
  }
  void log(LogLevel level, const std::string& text) override {
    std::lock_guard lock(mutex_);
    if (!detached_) owner_.log(level, text);
  }
  void event(const std::string& kind, int64_t fromStep, int64_t toStep,
             const std::string& message) override {
    std::lock_guard lock(mutex_);
    if (!detached_) owner_.event(kind, fromStep, toStep, message);
  }

 private:
  BasicJobContext& owner_;
  std::mutex mutex_;
  bool detached_ = false;
};

// Threads of destroyed runners whose jobs may still run (touched on the GUI thread only).
QList<QPointer<QThread>>& detachedThreads() {
  static QList<QPointer<QThread>> threads;
  return threads;
}

void adoptDetached(QThread* thread) {
  auto& threads = detachedThreads();
  threads.removeAll(nullptr);
  if (threads.isEmpty()) {
    static bool registered = false;
    if (!registered) qAddPostRoutine(&JobRunner::waitForDetachedJobs);
    registered = true;
  }
  threads.append(thread);
}

}  // namespace

struct JobRunner::Shared {
  explicit Shared(std::unique_ptr<Job> j) : job(std::move(j)) {}

  std::unique_ptr<Job> job;
  BasicJobContext context;  // the owner's: callbacks, cancel, pause
  DetachableContext jobView{context};

  mutable std::mutex mutex;  // guards the fields below, written by the job's thread
  Progress latest;
  bool dirty = false;
  std::string failure;
};

JobRunner::JobRunner(std::unique_ptr<Job> job, QObject* parent)
    : QObject(parent),
      shared_(std::make_shared<Shared>(std::move(job))),
      name_(QString::fromStdString(shared_->job->name())) {
  // Runs on the job's thread, which keeps the shared state alive.
  shared_->context.onProgress = [shared = shared_.get()](int64_t done, int64_t total,
                                                         const std::string& text) {
    std::lock_guard lock(shared->mutex);
    shared->latest.done = done;
    shared->latest.total = total;
    shared->latest.text = QString::fromStdString(text);
    shared->dirty = true;
  };
  refreshTimer_.setInterval(kRefreshIntervalMs);
  connect(&refreshTimer_, &QTimer::timeout, this, &JobRunner::refresh);
}

JobRunner::~JobRunner() {
  if (!thread_) return;
  shared_->context.cancel();
  shared_->jobView.detach();
  disconnect(thread_, nullptr, this, nullptr);
  if (thread_->isFinished()) {
    thread_->wait();  // returns at once: the job has ended
    delete thread_;
    return;
  }
  connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
  adoptDetached(thread_);
}

void JobRunner::waitForDetachedJobs() {
  auto& threads = detachedThreads();
  for (const auto& thread : std::as_const(threads)) {
    if (!thread) continue;
    thread->wait();
    delete thread.data();
  }
  threads.clear();
}

BasicJobContext& JobRunner::context() {
  return shared_->context;
}

bool JobRunner::isPaused() const {
  return shared_->context.isPaused();
}

Job& JobRunner::job() {
  return *shared_->job;
}

void JobRunner::start() {
  if (thread_ || outcome_ != Outcome::Running) return;
  elapsed_.start();
  // The thread shares the state, so that a job outliving its runner still has it.
  thread_ = QThread::create([shared = shared_] {
#ifdef __linux__
    // Linux threads have their own nice value, inherited by the threads they start: a job that
    // uses every core must still leave the GUI thread the CPU it needs to stay responsive.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kJobNiceness);
#endif
    // Nothing may escape the thread: every failure becomes the job's error text.
    try {
      shared->job->run(shared->jobView);
    } catch (const std::exception& e) {
      std::lock_guard lock(shared->mutex);
      shared->failure = e.what();
    } catch (...) {
      std::lock_guard lock(shared->mutex);
      shared->failure = "the job stopped with an unknown error";
    }
  });
  thread_->setObjectName(name_.left(15));
  connect(thread_, &QThread::finished, this, &JobRunner::onThreadFinished);
  refreshTimer_.start();
  thread_->start();
}

void JobRunner::cancel() {
  shared_->context.cancel();
}

void JobRunner::pause() {
  if (!pausedFor_.isValid()) pausedFor_.start();
  shared_->context.pause();
}

void JobRunner::resume() {
  if (pausedFor_.isValid()) pausedMs_ += pausedFor_.elapsed();
  pausedFor_.invalidate();
  shared_->context.resume();
}

JobRunner::Progress JobRunner::progress() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->latest;
}

double JobRunner::etaSeconds() const {
  const auto now = progress();
  if (now.total <= 0 || now.done <= 0 || now.done >= now.total || !elapsed_.isValid() || isPaused())
    return -1;
  const double seconds = static_cast<double>(elapsed_.elapsed() - pausedMs_) / 1000.0;
  return seconds * static_cast<double>(now.total - now.done) / static_cast<double>(now.done);
}

void JobRunner::refresh() {
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->dirty) return;
    shared_->dirty = false;
  }
  emit progressChanged();
}

void JobRunner::onThreadFinished() {
  refreshTimer_.stop();
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->failure.empty()) error_ = QString::fromStdString(shared_->failure);
    shared_->dirty = false;
  }
  if (!error_.isEmpty())
    outcome_ = Outcome::Failed;
  else if (shared_->context.isCanceled())
    outcome_ = Outcome::Canceled;
  else
    outcome_ = Outcome::Succeeded;
  emit progressChanged();
  emit finished();
}

QString formatEta(double seconds) {
  if (seconds < 0) return {};
  const auto total = static_cast<qint64>(seconds + 0.5);
  if (total < 60) return QObject::tr("%1 s left").arg(total);
  if (total < 3600) return QObject::tr("%1 min %2 s left").arg(total / 60).arg(total % 60);
  return QObject::tr("%1 h %2 min left").arg(total / 3600).arg(total % 3600 / 60);
}

}  // namespace tunebench::ui
