#pragma once
// Carries what a training job reports (metrics, diagnosis events, log lines) from the job's thread
// to the GUI thread in batches. The job's thread only appends under a mutex; the first report
// after a delivery schedules one single-shot timer on the GUI thread, which hands everything
// gathered so far over in one batch() signal. Deliveries are at least kMinIntervalMs apart, so a
// job that reports every millisecond costs the GUI at most ~25 batches a second.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <mutex>
#include <vector>

namespace tunebench::ui {

struct FeedMetric {
  qint64 step = 0;
  QString key;
  double value = 0;
  double wallTime = 0;  // seconds since the Unix epoch, when the job reported it
};

struct FeedEvent {
  QString kind;
  qint64 fromStep = 0;
  qint64 toStep = 0;
  QString message;
};

struct FeedBatch {
  std::vector<FeedMetric> metrics;
  std::vector<FeedEvent> events;
  QStringList log;
  bool empty() const { return metrics.empty() && events.empty() && log.isEmpty(); }
};

class TrainingFeed : public QObject {
  Q_OBJECT
 public:
  static constexpr int kMinIntervalMs = 40;

  explicit TrainingFeed(QObject* parent = nullptr);

  // Any thread.
  void addMetric(qint64 step, const QString& key, double value);
  void addEvent(const FeedEvent& event);
  void addLog(const QString& line);

  // GUI thread: delivers what is pending now (used when the job ends).
  void deliverNow();
  int deliveries() const { return deliveries_; }

 signals:
  void batch(const tunebench::ui::FeedBatch& batch);

 private:
  void schedule();  // GUI thread
  void deliver();
  void noteAdded();  // under mutex_: asks the GUI thread to schedule once per batch

  QTimer timer_;
  QElapsedTimer sinceDelivery_;
  int deliveries_ = 0;

  std::mutex mutex_;
  FeedBatch pending_;
  bool scheduled_ = false;
};

}  // namespace tunebench::ui
