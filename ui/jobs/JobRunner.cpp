#include "jobs/JobRunner.h"

#include <QThread>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tunebench::ui {

JobRunner::JobRunner(std::unique_ptr<Job> job, QObject* parent)
    : QObject(parent), job_(std::move(job)), name_(QString::fromStdString(job_->name())) {
  context_.onProgress = [this](int64_t done, int64_t total, const std::string& text) {
    std::lock_guard lock(mutex_);
    latest_.done = done;
    latest_.total = total;
    latest_.text = QString::fromStdString(text);
    dirty_ = true;
  };
  refreshTimer_.setInterval(kRefreshIntervalMs);
  connect(&refreshTimer_, &QTimer::timeout, this, &JobRunner::refresh);
}

JobRunner::~JobRunner() {
  if (thread_) {
    context_.cancel();
    thread_->wait();
    delete thread_;
  }
}

void JobRunner::start() {
  if (thread_ || outcome_ != Outcome::Running) return;
  elapsed_.start();
  thread_ = QThread::create([this] {
#ifdef __linux__
    // Linux threads have their own nice value, inherited by the threads they start: a job that
    // uses every core must still leave the GUI thread the CPU it needs to stay responsive.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kJobNiceness);
#endif
    // Nothing may escape the thread: every failure becomes the job's error text.
    try {
      job_->run(context_);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      failure_ = e.what();
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = "the job stopped with an unknown error";
    }
  });
  thread_->setObjectName(name_.left(15));
  connect(thread_, &QThread::finished, this, &JobRunner::onThreadFinished);
  refreshTimer_.start();
  thread_->start();
}

void JobRunner::cancel() {
  context_.cancel();
}

void JobRunner::pause() {
  context_.pause();
}

void JobRunner::resume() {
  context_.resume();
}

JobRunner::Progress JobRunner::progress() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

double JobRunner::etaSeconds() const {
  const auto now = progress();
  if (now.total <= 0 || now.done <= 0 || now.done >= now.total || !elapsed_.isValid()) return -1;
  const double seconds = elapsed_.elapsed() / 1000.0;
  return seconds * static_cast<double>(now.total - now.done) / static_cast<double>(now.done);
}

void JobRunner::refresh() {
  {
    std::lock_guard lock(mutex_);
    if (!dirty_) return;
    dirty_ = false;
  }
  emit progressChanged();
}

void JobRunner::onThreadFinished() {
  refreshTimer_.stop();
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) error_ = QString::fromStdString(failure_);
    dirty_ = false;
  }
  if (!error_.isEmpty())
    outcome_ = Outcome::Failed;
  else if (context_.isCanceled())
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
