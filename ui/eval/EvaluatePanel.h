#pragma once
// The Evaluate stage. Its first tab evaluates the final model or any complete checkpoint of one of
// the project's runs, or another model folder (with an optional adapter), on a JSON Lines file of
// prompt/response pairs (by default the run's validation file); shows exact match, perplexity and
// every example (filterable to the mismatches). A sequence classifier is evaluated on labelled
// texts instead (text and label fields): accuracy, macro-F1, per-class figures, the confusion
// matrix and every example, filterable to the wrong predictions (ClassificationResultsView). The
// evaluation is one of the registry's evaluators (plugins/Evaluator.h): chosen by the model
// unless the user picks one; a plugin's shows its metrics and items. Evaluations of a run are
// recorded in the project by the job itself (its own connection) and listed here with the run's
// earlier ones; selecting one shows its stored examples. Another model folder's result is shown
// only. Its second tab generates side by side (GenerationComparisonView). The project is read on
// worker threads through read-only connections.
#include <optional>

#include <QHash>
#include <QString>
#include <QWidget>
#include <vector>

#include "common/BackgroundTask.h"
#include "eval/ClassifierEvaluation.h"
#include "eval/Evaluation.h"
#include "eval/ProjectRead.h"
#include "eval/RunEvaluationTarget.h"
#include "plugins/Evaluator.h"
#include "store/EvaluationOverview.h"

class QAction;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;
class QTableView;
class QTableWidget;
class QTabWidget;
class QToolButton;

namespace tunebench {
class PluginRegistry;
}

namespace tunebench::ui {

class BenchmarkComparisonView;
class ClassificationResultsView;
class EvaluationHistoryView;
class EvaluationOutcomeModel;
class GenerationComparisonView;
class JobRunner;
class MismatchFilterModel;
struct StoredEvaluation;

class EvaluatePanel : public QWidget {
  Q_OBJECT
 public:
  // What the results table shows.
  enum class Shown { Nothing, FreshResult, StoredEvaluation };

  // The evaluations offered are the registry's evaluators.
  explicit EvaluatePanel(const PluginRegistry& plugins, QWidget* parent = nullptr);
  ~EvaluatePanel() override;

  // The open project (empty: none). A read-only project's evaluations are shown, not stored.
  void setProject(const QString& projectFile, bool readOnly);
  // The project's current model, offered as the base model of side-by-side generation.
  void setProjectModel(const QString& modelFolder);

  // The run picker: the project's runs, newest first, then "Another model folder…".
  void selectRun(qint64 runId);
  void selectOtherModel(const QString& modelFolder, const QString& adapterFolder = {});
  qint64 selectedRun() const;  // 0: another model folder
  // The selected run's model: its final model (-1) or a complete checkpoint by step. Checkpoints
  // are read when the run is selected (checkpointsRead); false when there is no such checkpoint.
  bool selectCheckpoint(qint64 step);
  qint64 selectedCheckpoint() const;  // -1: the final model
  // Fills the evaluation file and fields from the selected run's recorded config.
  bool useRunValidationFile();
  void setDataFile(const QString& file);
  void setFields(const QString& promptField, const QString& responseField);
  void setMaxNewTokens(int tokens);
  // A classifier's text and label fields and max length (tokens per text).
  void setClassifierFields(const QString& textField, const QString& labelField);
  void setMaxLength(int tokens);
  void setExampleLimit(int limit);  // 0 = all
  // An evaluator's id; empty: the first that suits the model. False when there is no such one.
  bool selectEvaluator(const QString& id);

  // Starts the evaluation; returns false (and says why) when it cannot start.
  bool evaluate();
  bool isEvaluating() const { return job_ != nullptr; }

  Shown shown() const { return shown_; }
  // The last evaluation run here (valid once one has finished).
  const EvaluationResult& lastResult() const { return lastResult_; }
  // Whether the last evaluation, or the stored one shown, is a classifier's; and its result.
  bool showsClassifier() const { return showsClassifier_; }
  const ClassifierEvaluationResult& lastClassifierResult() const { return lastClassifierResult_; }
  ClassificationResultsView* classificationView() const { return classification_; }
  qint64 lastStoredEvaluation() const { return lastStoredEvaluation_; }
  QString summaryText() const;
  QString statusText() const;
  QString lastError() const { return lastError_; }

  QAction* evaluateAction() const { return evaluateAction_; }
  QComboBox* targetBox() const { return target_; }
  QComboBox* evaluatorBox() const { return evaluator_; }
  QComboBox* benchmarkTaskBox() const { return benchmarkTask_; }
  QSpinBox* fewShotBox() const { return fewShot_; }
  QLineEdit* dataFileEdit() const { return dataFile_; }
  QTableView* outcomesView() const { return outcomesView_; }
  EvaluationOutcomeModel* outcomes() const { return outcomes_; }
  MismatchFilterModel* outcomeFilter() const { return filter_; }
  QCheckBox* onlyMismatchesBox() const { return onlyMismatches_; }
  QComboBox* checkpointBox() const { return checkpoint_; }
  QToolButton* runValidationButton() const { return useValidation_; }
  QTabWidget* tabs() const { return tabs_; }
  GenerationComparisonView* comparison() const { return comparison_; }
  BenchmarkComparisonView* benchmarks() const { return benchmarks_; }
  QTableWidget* historyTable() const;
  // Stored evaluation ids in the history table, in its order.
  QList<qint64> historyIds() const;

 public slots:
  // Re-reads the runs and the selected run's evaluations.
  void refresh();
  void chooseModelFolder();
  void chooseAdapterFolder();
  void chooseDataFile();

 signals:
  void jobStarted(tunebench::ui::JobRunner* runner);
  // The job has ended (succeeded, canceled or failed).
  void evaluationFinished();
  void failed(const QString& title, const QString& message);
  void runsRead();
  void checkpointsRead();
  void historyRead();
  void storedItemsShown();

 private:
  using RunsRead = ProjectRead<std::vector<store::RunRecord>>;
  using CheckpointsRead = ProjectRead<std::vector<RunCheckpoint>>;

  void buildInputs(QWidget* box);
  void buildBenchmarkRow(QFormLayout* form, QWidget* box);
  void readRuns();
  // Evaluates the base model of a run on the evaluation tab's file and settings, recorded as the
  // project model's.
  void evaluateBaseOf(qint64 runId);
  // Runs the Benchmarks tab's suite on the run's final model, after its base model if asked.
  bool runSuiteOn(qint64 runId, bool withBase);
  void showRuns(const RunsRead& read);
  void readCheckpoints(qint64 runId);
  void showCheckpoints(const CheckpointsRead& read);
  // The selected run's final model or checkpoint, as its config and the checkpoint pick say.
  RunEvaluationTarget selectedTarget() const;
  void showStored(const StoredEvaluation& evaluation);
  void targetChanged();
  void onFinished();
  void showSummary(const QString& source, double exactMatch, double perplexity, qint64 examples,
                   qint64 matches);
  // Shows a finished job's result; returns the number of examples it covers.
  int64_t showFresh(const QString& source, const EvaluatorResult& result, bool* canceled);
  // A plugin's evaluation: its metrics, as "name value · …".
  static QString metricsText(const std::vector<std::pair<std::string, double>>& metrics);
  // Brings the language model's or the classifier's results forward.
  void showClassifierResults(bool classifier);
  // Empties the results, the summary and the shown result's target.
  void clearResults();
  void setStatus(const QString& text);
  void fail(const QString& message);
  void updateActions();

  const PluginRegistry& plugins_;
  QString projectFile_;
  bool readOnly_ = false;
  QHash<qint64, store::RunRecord> runs_;
  QString defaultDataFile_;
  bool modelFromRun_ = false;  // the model folder field shows a run's final model  // the last
                               // default put in the data field from a run's config

  QTabWidget* tabs_;
  GenerationComparisonView* comparison_;
  BenchmarkComparisonView* benchmarks_ = nullptr;
  QComboBox* target_;
  QComboBox* checkpoint_;
  QToolButton* useValidation_;
  QLineEdit* modelFolder_;
  QLineEdit* adapterFolder_;
  QToolButton* browseModel_;
  QToolButton* browseAdapter_;
  QLabel* targetNote_;
  QLineEdit* dataFile_;
  QComboBox* evaluator_;
  QLineEdit* promptField_;
  QLineEdit* responseField_;
  QSpinBox* maxNewTokens_;
  QSpinBox* limit_;
  QLineEdit* textField_;
  QLineEdit* labelField_;
  QSpinBox* maxLength_;
  QComboBox* benchmarkTask_;
  QSpinBox* fewShot_;
  QLineEdit* questionField_;
  QLineEdit* choicesField_;
  QLineEdit* answerField_;
  QAction* evaluateAction_;
  QLabel* status_;
  QLabel* summary_;
  QCheckBox* onlyMismatches_;
  QTableView* outcomesView_;
  EvaluationOutcomeModel* outcomes_;
  MismatchFilterModel* filter_;
  EvaluationHistoryView* history_;
  QStackedWidget* results_;
  ClassificationResultsView* classification_;

  BackgroundTask<RunsRead> runsReads_{[this](const RunsRead& read) { showRuns(read); }};
  BackgroundTask<CheckpointsRead> checkpointsReads_{
      [this](const CheckpointsRead& read) { showCheckpoints(read); }};
  qint64 selectAfterRead_ = 0;  // run to select once the runs are read

  JobRunner* job_ = nullptr;
  qint64 jobRunId_ = 0;
  qint64 jobCheckpointStep_ = -1;
  EvaluationResult lastResult_;
  bool showsClassifier_ = false;
  ClassifierEvaluationResult lastClassifierResult_;
  qint64 lastStoredEvaluation_ = 0;
  Shown shown_ = Shown::Nothing;
  // What the shown result belongs to: a run (0: another model folder) and, for a fresh result,
  // the checkpoint step (-1: the final model). A stored one belongs to its run at any step.
  qint64 shownRun_ = 0;
  std::optional<qint64> shownCheckpoint_;
  QString lastError_;
};

}  // namespace tunebench::ui
