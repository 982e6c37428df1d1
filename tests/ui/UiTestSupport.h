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

// Nanoseconds the calling thread has spent runnable but waiting for a CPU (the kernel's
// /proc/thread-self/schedstat, second field), or -1 where the kernel does not report it.
inline qint64 threadRunQueueWaitNs() {
  QFile file(QStringLiteral("/proc/thread-self/schedstat"));
  if (!file.open(QIODevice::ReadOnly)) return -1;
  const QList<QByteArray> fields = file.readAll().simplified().split(' ');
  bool ok = false;
  const qint64 waited = fields.size() >= 2 ? fields[1].toLongLong(&ok) : -1;
  return ok ? waited : -1;
}

// The longest gap between the ticks of a 5 ms timer: how long the event loop was blocked by the
// GUI thread's own work or waits. Time the thread spent runnable but waiting for a CPU is taken
// out, so a loaded or slow-scheduling machine does not count as a stall; a handler that computes
// or blocks (on a lock, a file, a join) still does.
class StallMeter : public QObject {
 public:
  StallMeter() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(5);
    connect(&timer_, &QTimer::timeout, this, [this] { tick(); });
    timer_.start();
  }
  qint64 longestMs() const { return longestNs_ / 1000000; }

 private:
  void tick() {
    const qint64 waited = threadRunQueueWaitNs();
    if (last_.isValid()) {
      qint64 gap = last_.nsecsElapsed();
      if (waited >= 0 && lastWaited_ >= 0) gap -= waited - lastWaited_;
      longestNs_ = std::max(longestNs_, gap);
    }
    last_.start();
    lastWaited_ = waited;
  }

  QTimer timer_;
  QElapsedTimer last_;
  qint64 lastWaited_ = -1;
  qint64 longestNs_ = 0;
};

}  // namespace uitest
