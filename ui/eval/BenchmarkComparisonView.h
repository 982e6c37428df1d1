#pragma once
// The Evaluate stage's Benchmarks tab: a run's final model against the base model it was trained
// from, on every evaluation both were given (store/BaseModelComparison.h). A table of the scores
// side by side with the change and its 95% interval, a bar chart per evaluation with error bars,
// the forgetting alarm when the fine-tuned model is worse beyond the interval, and for the chosen
// evaluation the items that flipped (right before and wrong after, or the reverse). Read on a
// worker thread.
#include <QString>
#include <QWidget>
#include <vector>

#include "common/BackgroundTask.h"
#include "eval/EvaluationJob.h"
#include "eval/ProjectRead.h"
#include "store/BaseModelComparison.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTableWidget;

namespace tunebench {
class PluginRegistry;
}

namespace tunebench::ui {

class BenchmarkSuiteEditor;
class JobRunner;

class BenchmarkComparisonView : public QWidget {
  Q_OBJECT
 public:
  enum ScoreColumn { kSuite, kMetric, kBase, kTuned, kChange, kInterval, kVerdict, kScoreColumns };
  enum FlipColumn { kFlipIndex, kFlipChange, kQuestion, kExpected, kBefore, kAfter, kFlipColumns };
  enum class FlipFilter { All, NowWrong, NowRight };

  explicit BenchmarkComparisonView(const PluginRegistry& plugins, QWidget* parent = nullptr);
  ~BenchmarkComparisonView() override;

  void setProject(const QString& projectFile);
  // The run whose final model is compared; 0 shows nothing.
  void setRun(qint64 runId);
  qint64 run() const { return runId_; }
  void refresh();

  const store::RunBaseComparison& comparison() const { return comparison_; }
  const std::vector<store::ItemFlip>& flips() const { return flips_; }
  bool forgets() const { return !store::forgettingAmong(comparison_.scores).empty(); }

  QLabel* summaryLabel() const { return summary_; }
  QTableWidget* scoresTable() const { return scores_; }
  QTableWidget* flipsTable() const { return flipsTable_; }
  QComboBox* flipFilterBox() const { return flipFilter_; }
  QCustomPlot* chart() const { return chart_; }
  QPushButton* evaluateBaseButton() const { return evaluateBase_; }
  BenchmarkSuiteEditor* suiteEditor() const { return editor_; }
  QCheckBox* includeBaseBox() const { return includeBase_; }
  QPushButton* runSuiteButton() const { return runSuite_; }
  QPushButton* cancelSuiteButton() const { return cancelSuite_; }
  QLabel* suiteStatusLabel() const { return suiteStatus_; }
  bool isRunningSuite() const { return suiteJob_ != nullptr; }

  // Runs the editor's suite on each model in turn (the requests name the model and where each
  // result is recorded); false, saying why, when it cannot start.
  bool startSuite(std::vector<EvaluationRequest> models);

 signals:
  void comparisonRead();
  void flipsRead();
  // The user asks to evaluate the run's base model the way the run's model was evaluated.
  void evaluateBaseRequested(qint64 runId);
  void readFailed(const QString& title, const QString& message);
  // The user asks to run the suite on the run's final model (and on its base model first).
  void runSuiteRequested(qint64 runId, bool withBase);
  void jobStarted(tunebench::ui::JobRunner* runner);
  void suiteFinished();

 private:
  using ComparisonRead = ProjectRead<store::RunBaseComparison>;
  using FlipsRead = ProjectRead<std::vector<store::ItemFlip>>;

  void showComparison(const ComparisonRead& read);
  void showScores();
  void drawChart();
  void scoreChosen();
  void showFlips(const FlipsRead& read);
  void fillFlips();
  void suiteProgressed();
  void suiteEnded();
  void updateSuiteActions();

  const PluginRegistry& plugins_;
  QString projectFile_;
  qint64 runId_ = 0;
  BenchmarkSuiteEditor* editor_;
  QCheckBox* includeBase_;
  QPushButton* runSuite_;
  QPushButton* cancelSuite_;
  QLabel* suiteStatus_;
  JobRunner* suiteJob_ = nullptr;
  store::RunBaseComparison comparison_;
  std::vector<store::ItemFlip> flips_;
  QLabel* summary_;
  QPushButton* evaluateBase_;
  QTableWidget* scores_;
  QCustomPlot* chart_;
  QLabel* flipsLabel_;
  QComboBox* flipFilter_;
  QTableWidget* flipsTable_;
  BackgroundTask<ComparisonRead> comparisonReads_{
      [this](const ComparisonRead& read) { showComparison(read); }};
  BackgroundTask<FlipsRead> flipsReads_{[this](const FlipsRead& read) { showFlips(read); }};
};

}  // namespace tunebench::ui
