#pragma once
// What the widget tests share: where screenshots go, the button of an action, typing into
// fields, and a meter of how long the event loop was blocked.
#include <QAction>
#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QList>
#include <QObject>
#include <QSpinBox>
#include <QString>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWidget>
#include <algorithm>

namespace uitest {

// TUNEBENCH_BINARY_DIR/screenshots/<name>, the folder created.
inline QString screenshotPath(const QString& name) {
  QDir().mkpath(QStringLiteral(TUNEBENCH_BINARY_DIR "/screenshots"));
  return QStringLiteral(TUNEBENCH_BINARY_DIR "/screenshots/") + name;
}

// The tool button below `panel` that triggers `action`, or nullptr.
inline QToolButton* buttonOf(QWidget* panel, QAction* action) {
  for (auto* button : panel->findChildren<QToolButton*>())
    if (button->defaultAction() == action) return button;
  return nullptr;
}

// Replaces a line edit's text by typing, as a user would.
inline void retype(QWidget* field, const QString& text) {
  auto* edit = qobject_cast<QLineEdit*>(field);
  QVERIFY(edit);
  edit->setFocus();
  edit->selectAll();
  QTest::keyClick(edit, Qt::Key_Backspace);
  QTest::keyClicks(edit, text);
}

// Types a value into a spin box.
inline void setSpin(QWidget* field, int value) {
  auto* box = qobject_cast<QSpinBox*>(field);
  QVERIFY(box);
  box->setFocus();
  box->selectAll();
  QTest::keyClicks(box, QString::number(value));
  QCOMPARE(box->value(), value);
}

// The calling thread's scheduler counters from /proc/thread-self/schedstat: nanoseconds on a CPU
// and nanoseconds runnable but waiting for one; both -1 where the kernel does not report them.
struct ThreadSchedule {
  qint64 onCpuNs = -1;
  qint64 waitingNs = -1;
};
inline ThreadSchedule threadSchedule() {
  QFile file(QStringLiteral("/proc/thread-self/schedstat"));
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QList<QByteArray> fields = file.readAll().simplified().split(' ');
  if (fields.size() < 2) return {};
  bool cpuOk = false, waitOk = false;
  ThreadSchedule schedule{fields[0].toLongLong(&cpuOk), fields[1].toLongLong(&waitOk)};
  return cpuOk && waitOk ? schedule : ThreadSchedule{};
}

// The longest time the GUI thread spent on a CPU between two ticks of a 5 ms timer: the work
// one turn of the event loop did before it could tick again. Counted from the kernel's figures
// for the thread (/proc/thread-self/schedstat), so neither a loaded machine (time waiting for a
// CPU) nor QTest's own sleeping between checks counts; where the kernel gives no figures, the
// wall time between ticks is used. Blocking waits on the GUI thread (a lock, a disk flush) are
// not work and do not count: keeping them off the GUI thread is BackgroundTask's and JobRunner's
// job, tested on their own.
class StallMeter : public QObject {
 public:
  StallMeter() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(5);
    connect(&timer_, &QTimer::timeout, this, [this] { tick(); });
    timer_.start();
  }
  qint64 longestMs() const { return longest_.stallNs / 1000000; }
  // The longest stall with its gap, for the test log: on a CPU, waiting for one, wall time.
  QString describeLongest() const {
    return QStringLiteral("%1 ms on a CPU (a gap of %2 ms of wall time, %3 ms of it waiting for "
                          "a CPU)")
        .arg(longest_.stallNs / 1000000)
        .arg(longest_.wallNs / 1000000)
        .arg(longest_.waitingNs / 1000000);
  }

 private:
  struct Gap {
    qint64 stallNs = 0, wallNs = 0, waitingNs = 0;
  };
  void tick() {
    const ThreadSchedule now = threadSchedule();
    if (last_.isValid()) {
      Gap gap;
      gap.wallNs = last_.nsecsElapsed();
      gap.stallNs = gap.wallNs;
      if (now.onCpuNs >= 0 && lastSchedule_.onCpuNs >= 0) {
        gap.waitingNs = now.waitingNs - lastSchedule_.waitingNs;
        gap.stallNs = now.onCpuNs - lastSchedule_.onCpuNs;
      }
      if (gap.stallNs > longest_.stallNs) longest_ = gap;
    }
    last_.start();
    lastSchedule_ = now;
  }

  QTimer timer_;
  QElapsedTimer last_;
  ThreadSchedule lastSchedule_;
  Gap longest_;
};

}  // namespace uitest
