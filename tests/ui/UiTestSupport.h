#pragma once
// What the widget tests share: where screenshots go, the button of an action, typing into
// fields, and a meter of how long the event loop was blocked.
#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
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

// The longest gap between the ticks of a 5 ms timer: how long the event loop was blocked.
class StallMeter : public QObject {
 public:
  StallMeter() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(5);
    connect(&timer_, &QTimer::timeout, this, [this] {
      if (last_.isValid())
        longest_ = std::max(longest_, last_.restart());
      else
        last_.start();
    });
    timer_.start();
  }
  qint64 longestMs() const { return longest_; }

 private:
  QTimer timer_;
  QElapsedTimer last_;
  qint64 longest_ = 0;
};

}  // namespace uitest
