#pragma once
// The comparison of the runs chosen in the Runs panel, in three tabs: their loss curves overlaid
// (a stable colour per run; click a legend item to hide or show a run; smoothing, log-y and the
// x-axis by step, epoch or time, as in the Train panel), their configurations side by side (one
// row per config field, one column per run, optionally only the fields that differ) and their
// key figures side by side.
#include <QMap>
#include <QWidget>
#include <memory>

#include "store/RunOverview.h"
#include "train/StepTimeline.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTabWidget;
class QTableWidget;
class QToolButton;

namespace tunebench::ui {

class TrainChart;

class RunComparisonView : public QWidget {
  Q_OBJECT
 public:
  explicit RunComparisonView(QWidget* parent = nullptr);

  // Shows the compared runs of the overview (nothing when it compares none).
  void show(const store::RunOverview& overview);
  void clear();

  QTabWidget* tabs() const { return tabs_; }
  TrainChart* chart() const { return chart_; }
  QTableWidget* configTable() const { return config_; }
  QTableWidget* figuresTable() const { return figures_; }
  QCheckBox* differencesOnlyBox() const { return differencesOnly_; }
  QComboBox* xAxisBox() const { return xAxis_; }
  QSlider* smoothingSlider() const { return smoothing_; }
  QCheckBox* logScaleBox() const { return logScale_; }
  QString axisNote() const;

  static QColor colorOfRun(qint64 runId);
  static QString runLabel(const store::RunRecord& run);

 private:
  void showCurves(const store::RunOverview& overview);
  void showConfig(const store::RunOverview& overview);
  void showFigures(const store::RunOverview& overview);
  void applyDifferencesOnly();
  void setXAxisKind(XAxisKind kind);
  void rebuildShownRunsMenu();

  QTabWidget* tabs_;
  TrainChart* chart_;
  QLabel* lineKey_;
  QSlider* smoothing_;
  QLabel* smoothingValue_;
  QCheckBox* logScale_;
  QComboBox* xAxis_;
  QToolButton* shownRuns_;
  QLabel* axisNote_;
  QTableWidget* config_;
  QCheckBox* differencesOnly_;
  QLabel* configNote_;
  QTableWidget* figures_;
  QMap<qint64, std::shared_ptr<StepTimeline>> timelines_;
  QMap<qint64, QString> labels_;
};

}  // namespace tunebench::ui
