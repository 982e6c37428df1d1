#include "train/TrainingFeed.h"

#include <QDateTime>

#include <algorithm>

namespace tunebench::ui {

TrainingFeed::TrainingFeed(QObject* parent) : QObject(parent) {
  timer_.setSingleShot(true);
  timer_.setTimerType(Qt::PreciseTimer);
  connect(&timer_, &QTimer::timeout, this, &TrainingFeed::deliver);
}

void TrainingFeed::noteAdded() {
  if (scheduled_) return;
  scheduled_ = true;
  QMetaObject::invokeMethod(
      this, [this] { schedule(); }, Qt::QueuedConnection);
}

void TrainingFeed::addMetric(qint64 step, const QString& key, double value) {
  const double now = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
  std::lock_guard lock(mutex_);
  pending_.metrics.push_back({step, key, value, now});
  noteAdded();
}

void TrainingFeed::addEvent(const FeedEvent& event) {
  std::lock_guard lock(mutex_);
  pending_.events.push_back(event);
  noteAdded();
}

void TrainingFeed::addLog(const QString& line) {
  std::lock_guard lock(mutex_);
  pending_.log.append(line);
  noteAdded();
}

void TrainingFeed::schedule() {
  if (timer_.isActive()) return;
  const qint64 since = sinceDelivery_.isValid() ? sinceDelivery_.elapsed() : kMinIntervalMs;
  timer_.start(static_cast<int>(std::max<qint64>(0, kMinIntervalMs - since)));
}

void TrainingFeed::deliverNow() {
  timer_.stop();
  deliver();
}

void TrainingFeed::deliver() {
  FeedBatch taken;
  {
    std::lock_guard lock(mutex_);
    std::swap(taken, pending_);
    scheduled_ = false;
  }
  if (taken.empty()) return;
  sinceDelivery_.start();
  ++deliveries_;
  emit batch(taken);
}

}  // namespace tunebench::ui
