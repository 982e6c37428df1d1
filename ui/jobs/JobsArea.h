#pragma once
// The status bar's jobs area: progress, text, time left and a cancel button for the running job
// (and how many more are running). Hidden while nothing runs.
#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace tunebench::ui {

class JobRunner;

class JobsArea : public QWidget {
  Q_OBJECT
 public:
  explicit JobsArea(QWidget* parent = nullptr);

  // Shows the job until it finishes; the runner stays owned by its parent.
  void track(JobRunner* runner);
  int runningCount() const { return static_cast<int>(runners_.size()); }
  QString text() const;
  QString etaText() const;
  int progressValue() const;

 public slots:
  // Cancels the job the area shows (the oldest running one).
  void cancelShown();

 private:
  void refresh();

  QList<QPointer<JobRunner>> runners_;
  QProgressBar* bar_;
  QLabel* text_;
  QLabel* eta_;
  QToolButton* cancel_;
};

}  // namespace tunebench::ui
