#pragma once
// The Train stage: a run configuration (opened from a run.json or filled in), Start, Pause,
// Resume and Stop; the run is recorded in the open project by the training job itself (its own
// connection), while the panel shows live charts, diagnosis events, progress with time left and
// the log. Resume continues a paused run at once, or a stopped one from its newest checkpoint.
#include <QString>
#include <QWidget>
#include <functional>
#include <nlohmann/json.hpp>

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace tunebench::ui {

class JobRunner;
class TrainConfigForm;
class TrainingCharts;
class TrainingFeed;

class TrainPanel : public QWidget {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Paused, Stopping, Stopped, Completed, Failed };

  explicit TrainPanel(QWidget* parent = nullptr);
  ~TrainPanel() override;

  // The open project (empty: none) and its registered model, the form's default model folder.
  void setProject(const QString& projectFile, const QString& modelFolder, bool readOnly);

  // Reads a run.json into the form; returns false (and says why) when it cannot be used.
  bool openRunConfig(const QString& file);
  // Starts a new run from the form. Returns false (and says why) when it cannot start.
  bool start();

  State state() const { return state_; }
  bool isTraining() const {
    return state_ == State::Running || state_ == State::Paused || state_ == State::Stopping;
  }
  qint64 runId() const { return runId_; }
  QString outputFolder() const { return outputFolder_; }
  QString statusText() const;
  QString lastError() const { return lastError_; }
  // Called on the training thread before each optimiser step of runs started afterwards (with
  // the steps done); tests pace a run with it so that what they observe does not depend on the
  // machine's speed.
  void setStepGate(std::function<void(int64_t stepsDone)> gate) { stepGate_ = std::move(gate); }

  TrainConfigForm* form() const { return form_; }
  TrainingCharts* charts() const { return charts_; }
  TrainingFeed* feed() const { return feed_; }
  QPlainTextEdit* logView() const { return log_; }
  QProgressBar* progressBar() const { return progress_; }
  QAction* openConfigAction() const { return openConfigAction_; }
  QAction* startAction() const { return startAction_; }
  QAction* pauseAction() const { return pauseAction_; }
  QAction* resumeAction() const { return resumeAction_; }
  QAction* stopAction() const { return stopAction_; }

  // Asked when the window closes during training; true stops the run (with a checkpoint) and
  // closes once it has. Tests replace the question.
  std::function<bool(QWidget* parent)> confirmStopOnClose;

 public slots:
  void chooseRunConfig();
  void pause();
  void resume();
  void stop();

 signals:
  void jobStarted(tunebench::ui::JobRunner* runner);
  void stateChanged();
  // The job has ended (completed, stopped, failed) and the run's status is in the project.
  void trainingEnded();

 private:
  bool launch(const nlohmann::json& config, qint64 runToResume);
  void onProgress();
  void onFinished();
  void setState(State state);
  void fail(const QString& message);
  void appendLog(const QString& line);

  QString projectFile_;
  bool readOnly_ = false;
  TrainConfigForm* form_;
  TrainingCharts* charts_;
  TrainingFeed* feed_;
  QPlainTextEdit* log_;
  QProgressBar* progress_;
  QLabel* eta_;
  QLabel* status_;
  QAction* openConfigAction_;
  QAction* startAction_;
  QAction* pauseAction_;
  QAction* resumeAction_;
  QAction* stopAction_;
  JobRunner* job_ = nullptr;
  State state_ = State::Idle;
  qint64 runId_ = 0;
  QString outputFolder_;
  nlohmann::json runConfig_;  // of the current or last run, for resuming it
  std::function<void(int64_t)> stepGate_;
  double etaSeconds_ = -1;
  QString lastError_;
};

}  // namespace tunebench::ui
