#pragma once
// The project's runs: a table with status, best validation loss, steps and duration, and the
// training and validation loss curves of the selected runs overlaid (one stable colour per run,
// legend, the same zoom, pan, log-y and hover as the Train panel). The project is read on a worker
// thread through its own read-only connection; the chart reads the downsampled curves.
#include <QFutureWatcher>
#include <QWidget>

#include "store/RunOverview.h"

class QAction;
class QCheckBox;
class QLabel;
class QTableWidget;

namespace tunebench::ui {

class TrainChart;

class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kPixelBudget = 1000;

  explicit RunsPanel(QWidget* parent = nullptr);
  ~RunsPanel() override;

  void setProject(const QString& projectFile);
  QTableWidget* table() const { return table_; }
  TrainChart* chart() const { return chart_; }
  QAction* refreshAction() const { return refreshAction_; }
  QAction* compareAction() const { return compareAction_; }
  QList<qint64> comparedRuns() const { return compared_; }
  QString statusText() const;

  static QColor colorOfRun(qint64 runId);

 public slots:
  void refresh();
  // Overlays the curves of the runs selected in the table.
  void compareSelected();

 signals:
  void refreshed();

 private:
  void read(const QList<qint64>& compare);
  void showOverview(const store::RunOverview& overview);

  QString projectFile_;
  QTableWidget* table_;
  TrainChart* chart_;
  QLabel* status_;
  QCheckBox* logScale_;
  QAction* refreshAction_;
  QAction* compareAction_;
  QFutureWatcher<store::RunOverview> watcher_;
  QList<qint64> compared_;
  QList<qint64> pending_;
  bool again_ = false;
  QString error_;
};

}  // namespace tunebench::ui
