#pragma once
// The Monitor stage: the project's exported model versions (v1, v2, ... in the order of their
// first export; see store/ModelVersions.h for what a version and its evaluations are), and for
// each evaluation (evaluation file and metric) a table and a chart of the score across versions.
// A version that scores worse than the previous version on the same evaluation (lower exact
// match, higher perplexity) is flagged with the difference, and one that scores below the base
// model it was trained from beyond the confidence interval is flagged as forgetting. Read on a
// worker thread.
#include <QString>
#include <QWidget>

#include "common/BackgroundTask.h"
#include "common/ScoreFormat.h"
#include "eval/ProjectRead.h"
#include "store/ModelVersions.h"

class QAction;
class QComboBox;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace tunebench::ui {

class MonitorPanel : public QWidget {
  Q_OBJECT
 public:
  enum VersionColumn {
    kVersion,
    kModel,
    kFormats,
    kExported,
    kEvaluations,
    kFlag,
    kVersionColumns
  };
  enum ScoreColumn { kScoreVersion, kScore, kChange, kScoreFlag, kScoreColumns };

  explicit MonitorPanel(QWidget* parent = nullptr);
  ~MonitorPanel() override;

  void setProject(const QString& projectFile);
  const store::ModelVersionHistory& history() const { return history_; }
  // A version scores worse than the one before it on some evaluation, or worse than its base
  // model beyond the confidence interval (forgetting).
  bool needsAttention() const {
    return !history_.regressions.empty() || !history_.forgetting.empty();
  }
  // Some version has an evaluation to compare.
  bool hasEvaluatedVersions() const { return !history_.series.empty(); }
  // Chooses the evaluation shown in the score table and chart; false when there is none such.
  bool selectEvaluation(const QString& suite, const QString& metric);
  QString summaryText() const;

  QTableWidget* versionsTable() const { return versions_; }
  QTableWidget* scoresTable() const { return scores_; }
  QComboBox* evaluationBox() const { return evaluation_; }
  QCustomPlot* chart() const { return chart_; }
  QAction* refreshAction() const { return refreshAction_; }

 public slots:
  void refresh();

 signals:
  void historyRead();

 private:
  using HistoryRead = ProjectRead<store::ModelVersionHistory>;

  void read();
  void showHistory(const HistoryRead& read);
  void showVersions();
  void showSeries();

  QString projectFile_;
  store::ModelVersionHistory history_;
  QLabel* summary_;
  QTableWidget* versions_;
  QComboBox* evaluation_;
  QTableWidget* scores_;
  QCustomPlot* chart_;
  QAction* refreshAction_;
  BackgroundTask<HistoryRead> reads_{[this](const HistoryRead& read) { showHistory(read); }};
};

}  // namespace tunebench::ui
