#include "train/TrainPanel.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <fstream>

#include "ActionButton.h"
#include "jobs/JobRunner.h"
#include "train/RecordedTraining.h"
#include "train/TrainConfigForm.h"
#include "train/TrainingCharts.h"
#include "train/TrainingConfig.h"
#include "train/TrainingFeed.h"

namespace tunebench::ui {
namespace {

QString levelPrefix(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return QStringLiteral("debug: ");
    case LogLevel::Warning:
      return QStringLiteral("warning: ");
    case LogLevel::Error:
      return QStringLiteral("error: ");
    case LogLevel::Info:
      break;
  }
  return {};
}

}  // namespace

TrainPanel::TrainPanel(QWidget* parent) : QWidget(parent), feed_(new TrainingFeed(this)) {
  setObjectName(QStringLiteral("trainPanel"));
  confirmStopOnClose = [](QWidget* parent) {
    return QMessageBox::question(
               parent, tr("Training is running"),
               tr("A training run is in progress. Stop it (a checkpoint is written, so it can be "
                  "resumed later) and quit?"),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
  };

  openConfigAction_ = new QAction(tr("&Open Run Config…"), this);
  openConfigAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  startAction_ = new QAction(tr("&Start Training"), this);
  startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  pauseAction_ = new QAction(tr("&Pause"), this);
  pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
  resumeAction_ = new QAction(tr("Res&ume"), this);
  resumeAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
  stopAction_ = new QAction(tr("S&top"), this);
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
  for (auto* action : {openConfigAction_, startAction_, pauseAction_, resumeAction_, stopAction_})
    action->setToolTip(action->text().remove('&') + QStringLiteral(" (") +
                       action->shortcut().toString(QKeySequence::NativeText) + QStringLiteral(")"));
  // Shortcuts work anywhere in the window the panel is in (the main window adds a Train menu).
  addActions({openConfigAction_, startAction_, pauseAction_, resumeAction_, stopAction_});
  connect(openConfigAction_, &QAction::triggered, this, &TrainPanel::chooseRunConfig);
  connect(startAction_, &QAction::triggered, this, [this] { start(); });
  connect(pauseAction_, &QAction::triggered, this, &TrainPanel::pause);
  connect(resumeAction_, &QAction::triggered, this, &TrainPanel::resume);
  connect(stopAction_, &QAction::triggered, this, &TrainPanel::stop);

  auto* layout = new QVBoxLayout(this);
  auto* configBox = new QGroupBox(tr("Run configuration"), this);
  auto* configLayout = new QVBoxLayout(configBox);
  form_ = new TrainConfigForm(configBox);
  configLayout->addWidget(form_);
  auto* buttons = new QHBoxLayout;
  for (auto* action : {openConfigAction_, startAction_, pauseAction_, resumeAction_, stopAction_})
    buttons->addWidget(actionButton(action, configBox));
  buttons->addStretch(1);
  configLayout->addLayout(buttons);

  auto* progressRow = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("trainProgress"));
  progress_->setAccessibleName(tr("Training progress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  eta_ = new QLabel(this);
  eta_->setObjectName(QStringLiteral("trainEta"));
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("trainStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setWordWrap(true);
  progressRow->addWidget(progress_, 2);
  progressRow->addWidget(eta_);
  progressRow->addWidget(status_, 3);

  charts_ = new TrainingCharts(this);
  log_ = new QPlainTextEdit(this);
  log_->setObjectName(QStringLiteral("trainLog"));
  log_->setAccessibleName(tr("Training log"));
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(10000);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(charts_);
  splitter->addWidget(log_);
  splitter->setStretchFactor(0, 4);
  splitter->setStretchFactor(1, 1);

  auto* top = new QHBoxLayout;
  top->addWidget(configBox, 1);
  layout->addLayout(top);
  layout->addLayout(progressRow);
  layout->addWidget(splitter, 1);

  connect(feed_, &TrainingFeed::batch, this, [this](const FeedBatch& batch) {
    charts_->add(batch);
    for (const auto& metric : batch.metrics)
      if (metric.key == QLatin1String("eta_seconds")) etaSeconds_ = metric.value;
    QStringList lines = batch.log;
    for (const auto& event : batch.events)
      lines << tr("%1 (steps %2–%3): %4")
                   .arg(event.kind)
                   .arg(event.fromStep)
                   .arg(event.toStep)
                   .arg(event.message);
    if (!lines.isEmpty()) appendLog(lines.join('\n'));
  });
  setState(State::Idle);
}

TrainPanel::~TrainPanel() {
  // The runner's destructor cancels and waits; the job must not outlive the feed it reports to.
  delete job_;
}

void TrainPanel::setProject(const QString& projectFile, const QString& modelFolder, bool readOnly) {
  const bool sameProject = projectFile == projectFile_;
  projectFile_ = projectFile;
  readOnly_ = readOnly;
  if (!sameProject && !isTraining()) {
    runId_ = 0;
    outputFolder_.clear();
    charts_->clear();
    log_->clear();
    progress_->setValue(0);
    eta_->clear();
    state_ = State::Idle;
  }
  if (form_->modelFolder().isEmpty() || !sameProject) form_->setModelFolder(modelFolder);
  setState(state_);
}

void TrainPanel::chooseRunConfig() {
  const QString file =
      QFileDialog::getOpenFileName(this, tr("Open Run Config"), QFileInfo(projectFile_).path(),
                                   tr("Run configurations (*.json);;All files (*)"));
  if (!file.isEmpty()) openRunConfig(file);
}

bool TrainPanel::openRunConfig(const QString& file) {
  try {
    // Validated by the engine's own parser, so that the form never holds a config it refuses.
    const auto config = loadTrainingConfig(file.toStdString());
    form_->load(trainingConfigToJson(config));
    // Paths in the file are relative to its folder; the form shows them resolved.
    form_->setModelFolder(QString::fromStdString(config.modelFolder));
    form_->setTrainFile(QString::fromStdString(config.data.trainPath));
    form_->setValidationFile(QString::fromStdString(config.data.validationPath));
    appendLog(tr("Opened %1").arg(QDir::toNativeSeparators(file)));
    lastError_.clear();
    setState(state_);
    return true;
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return false;
  }
}

bool TrainPanel::start() {
  if (isTraining()) return false;
  if (projectFile_.isEmpty()) {
    fail(tr("Open or create a project first: the run is recorded in it."));
    return false;
  }
  if (readOnly_) {
    fail(tr("This project is open read-only; training needs a project it can write."));
    return false;
  }
  const QDir projectDir = QFileInfo(projectFile_).dir();
  const QString base = QStringLiteral("run-") +
                       QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
  QString name = base;
  for (int n = 2; projectDir.exists(QStringLiteral("checkpoints/") + name); ++n)
    name = base + QStringLiteral("-%1").arg(n);
  const QString output = projectDir.filePath(QStringLiteral("checkpoints/") + name);
  const auto config = form_->toJson(output);
  charts_->clear();
  log_->clear();
  runId_ = 0;
  if (!launch(config, 0)) return false;
  outputFolder_ = output;
  appendLog(tr("Run %1: checkpoints in %2").arg(name, QDir::toNativeSeparators(output)));
  return true;
}

bool TrainPanel::launch(const nlohmann::json& json, qint64 runToResume) {
  TrainingConfig config;
  try {
    config = parseTrainingConfig(json, "run configuration",
                                 QFileInfo(projectFile_).path().toStdString());
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return false;
  }
  const auto name = QFileInfo(QString::fromStdString(config.outputFolder)).fileName();
  auto job = std::make_unique<RecordedTrainingJob>(projectFile_.toStdString(), std::move(config),
                                                   name.toStdString(), runToResume);
  job->beforeStep = stepGate_;
  job_ = new JobRunner(std::move(job), this);
  auto& context = job_->context();
  auto* feed = feed_;
  context.onMetric = [feed](int64_t step, const std::string& key, double value) {
    feed->addMetric(step, QString::fromStdString(key), value);
  };
  context.onLog = [feed](LogLevel level, const std::string& text) {
    feed->addLog(levelPrefix(level) + QString::fromStdString(text));
  };
  context.onEvent = [feed](const std::string& kind, int64_t from, int64_t to,
                           const std::string& message) {
    feed->addEvent({QString::fromStdString(kind), from, to, QString::fromStdString(message)});
  };
  connect(job_, &JobRunner::progressChanged, this, &TrainPanel::onProgress);
  connect(job_, &JobRunner::finished, this, &TrainPanel::onFinished);
  runConfig_ = json;
  etaSeconds_ = -1;
  lastError_.clear();
  job_->start();
  setState(State::Running);
  emit jobStarted(job_);
  return true;
}

void TrainPanel::pause() {
  if (state_ != State::Running || !job_) return;
  job_->pause();
  appendLog(tr("Paused: training waits after the current step"));
  setState(State::Paused);
}

void TrainPanel::resume() {
  if (state_ == State::Paused && job_) {
    job_->resume();
    appendLog(tr("Resumed"));
    setState(State::Running);
  } else if (state_ == State::Stopped && runId_ > 0 && !projectFile_.isEmpty()) {
    appendLog(tr("Resuming run %1 from its newest checkpoint").arg(runId_));
    launch(runConfig_, runId_);
  }
}

void TrainPanel::stop() {
  if (!job_ || (state_ != State::Running && state_ != State::Paused)) return;
  appendLog(tr("Stopping: writing a checkpoint…"));
  job_->cancel();
  setState(State::Stopping);
}

void TrainPanel::onProgress() {
  if (!job_) return;
  if (runId_ == 0) {
    runId_ = static_cast<const RecordedTrainingJob&>(job_->job()).runId();
    if (runId_ > 0) setState(state_);
  }
  const auto progress = job_->progress();
  if (progress.total > 0) {
    progress_->setRange(0, 1000);
    progress_->setValue(static_cast<int>(1000.0 * static_cast<double>(progress.done) /
                                         static_cast<double>(progress.total)));
    progress_->setFormat(QStringLiteral("%1 / %2").arg(progress.done).arg(progress.total));
  } else {
    progress_->setRange(0, 0);
  }
  eta_->setText(state_ == State::Running
                    ? formatEta(etaSeconds_ >= 0 ? etaSeconds_ : job_->etaSeconds())
                    : QString());
  if (!progress.text.isEmpty() && state_ == State::Running) status_->setText(progress.text);
}

void TrainPanel::onFinished() {
  feed_->deliverNow();
  auto* runner = job_;
  job_ = nullptr;
  const auto& job = static_cast<const RecordedTrainingJob&>(runner->job());
  if (job.runId() > 0) runId_ = job.runId();
  const auto& result = job.result();
  eta_->clear();
  if (progress_->maximum() == 0) progress_->setRange(0, 1);
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    fail(runner->errorText());
    setState(State::Failed);
  } else if (!result.finished()) {
    appendLog(tr("Stopped at step %1; checkpoint %2. Resume continues from it.")
                  .arg(result.steps)
                  .arg(QDir::toNativeSeparators(QString::fromStdString(result.lastCheckpoint))));
    setState(State::Stopped);
  } else {
    // Prompt tuning and bottleneck adapters leave an adapter and no merged model.
    QString text =
        result.finalModelFolder.empty() && !result.adapterFolder.empty()
            ? tr("Training %1 after %2 steps; adapter in %3 (it cannot be merged into the base "
                 "model: use it on the base model)")
                  .arg(QString::fromLatin1(stopReasonName(result.stopReason)))
                  .arg(result.steps)
                  .arg(QDir::toNativeSeparators(QString::fromStdString(result.adapterFolder)))
            : tr("Training %1 after %2 steps; final model in %3")
                  .arg(QString::fromLatin1(stopReasonName(result.stopReason)))
                  .arg(result.steps)
                  .arg(QDir::toNativeSeparators(QString::fromStdString(result.finalModelFolder)));
    if (std::isfinite(result.bestValidationLoss))
      text += tr("; best validation loss %1").arg(result.bestValidationLoss, 0, 'g', 5);
    appendLog(text);
    setState(State::Completed);
  }
  runner->deleteLater();
  emit trainingEnded();
}

void TrainPanel::fail(const QString& message) {
  lastError_ = message;
  appendLog(tr("error: %1").arg(message));
  status_->setText(message);
}

void TrainPanel::appendLog(const QString& line) {
  log_->appendPlainText(line);
}

void TrainPanel::setState(State state) {
  state_ = state;
  const bool hasProject = !projectFile_.isEmpty() && !readOnly_;
  openConfigAction_->setEnabled(!isTraining());
  startAction_->setEnabled(hasProject && !isTraining());
  pauseAction_->setEnabled(state == State::Running);
  resumeAction_->setEnabled(state == State::Paused ||
                            (state == State::Stopped && runId_ > 0 && hasProject));
  stopAction_->setEnabled(state == State::Running || state == State::Paused);
  form_->setEnabled(!isTraining());
  if (state != State::Failed || lastError_.isEmpty()) status_->setText(statusText());
  emit stateChanged();
}

QString TrainPanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to train in it.");
  const QString run = runId_ > 0 ? tr("Run %1: ").arg(runId_) : QString();
  switch (state_) {
    case State::Idle:
      return tr("Choose a run configuration and start training.");
    case State::Running:
      return run + tr("training…");
    case State::Paused:
      return run + tr("paused");
    case State::Stopping:
      return run + tr("stopping after the current step…");
    case State::Stopped:
      return run + tr("stopped; Resume continues from the last checkpoint");
    case State::Completed:
      return run + tr("completed");
    case State::Failed:
      return run + tr("failed: %1").arg(lastError_);
  }
  return {};
}

}  // namespace tunebench::ui
