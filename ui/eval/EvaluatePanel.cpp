#include "eval/EvaluatePanel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "eval/BenchmarkComparisonView.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ClassificationResultsView.h"
#include "eval/EvaluationHistoryView.h"
#include "eval/EvaluationJob.h"
#include "eval/EvaluationOutcomeModel.h"
#include "eval/GenerationComparison.h"
#include "eval/MismatchFilterModel.h"
#include "eval/RunEvaluationTarget.h"
#include "eval/StoredClassifierEvaluation.h"
#include "jobs/JobRunner.h"
#include "plugins/PluginRegistry.h"

namespace tunebench::ui {

namespace {

// Where the checkpoint picker keeps each checkpoint's folder.
constexpr int kCheckpointFolderRole = Qt::UserRole + 1;

QString formatNumber(double value) {
  return std::isfinite(value) ? QString::number(value, 'g', 5) : QObject::tr("n/a");
}

QString formatShare(double share) {
  return std::isfinite(share) ? QStringLiteral("%1%").arg(100.0 * share, 0, 'f', 1)
                              : QObject::tr("n/a");
}

QString runLabel(const store::RunRecord& run) {
  return QObject::tr("Run %1: %2 (%3)")
      .arg(run.id)
      .arg(QString::fromStdString(run.name), QString::fromLatin1(store::runStatusName(run.status)));
}

}  // namespace

EvaluatePanel::EvaluatePanel(const PluginRegistry& plugins, QWidget* parent)
    : QWidget(parent), plugins_(plugins) {
  setObjectName(QStringLiteral("evaluatePanel"));
  evaluateAction_ = new QAction(tr("&Evaluate"), this);
  evaluateAction_->setObjectName(QStringLiteral("evaluateAction"));
  evaluateAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  evaluateAction_->setToolTip(
      tr("Evaluate (%1)").arg(evaluateAction_->shortcut().toString(QKeySequence::NativeText)));
  addAction(evaluateAction_);
  connect(evaluateAction_, &QAction::triggered, this, [this] { evaluate(); });

  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("evaluateTabs"));
  auto* fileTab = new QWidget(tabs_);
  auto* layout = new QVBoxLayout(fileTab);
  auto* inputs = new QGroupBox(tr("What to evaluate"), this);
  buildInputs(inputs);
  layout->addWidget(inputs);

  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("evaluateSummary"));
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);
  onlyMismatches_ = new QCheckBox(tr("Only mismatc&hes"), this);
  onlyMismatches_->setObjectName(QStringLiteral("evaluateOnlyMismatches"));
  auto* summaryRow = new QHBoxLayout;
  summaryRow->addWidget(summary_, 1);
  summaryRow->addWidget(onlyMismatches_);
  layout->addLayout(summaryRow);

  outcomes_ = new EvaluationOutcomeModel(this);
  filter_ = new MismatchFilterModel(this);
  filter_->setSourceModel(outcomes_);
  outcomesView_ = new QTableView(this);
  outcomesView_->setObjectName(QStringLiteral("evaluateOutcomes"));
  outcomesView_->setAccessibleName(tr("Examples"));
  outcomesView_->setModel(filter_);
  outcomesView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  outcomesView_->setWordWrap(false);
  outcomesView_->verticalHeader()->setVisible(false);
  auto* header = outcomesView_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setStretchLastSection(false);
  for (int column : {EvaluationOutcomeModel::kPrompt, EvaluationOutcomeModel::kExpected,
                     EvaluationOutcomeModel::kGenerated})
    header->setSectionResizeMode(column, QHeaderView::Stretch);
  header->setSectionResizeMode(EvaluationOutcomeModel::kIndex, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(EvaluationOutcomeModel::kMatch, QHeaderView::ResizeToContents);
  connect(onlyMismatches_, &QCheckBox::toggled, filter_, &MismatchFilterModel::setOnlyMismatches);

  history_ = new EvaluationHistoryView(this);
  connect(history_, &EvaluationHistoryView::listed, this, &EvaluatePanel::historyRead);
  connect(history_, &EvaluationHistoryView::evaluationRead, this, &EvaluatePanel::showStored);
  connect(history_, &EvaluationHistoryView::readFailed, this, &EvaluatePanel::fail);

  classification_ = new ClassificationResultsView(this);
  // The summary line above says the same.
  classification_->figuresLabel()->hide();
  results_ = new QStackedWidget(this);
  results_->setObjectName(QStringLiteral("evaluateResults"));
  results_->addWidget(outcomesView_);
  results_->addWidget(classification_);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(history_);
  splitter->addWidget(results_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  // The earlier evaluations' metrics column stays readable.
  splitter->setSizes({460, 840});
  layout->addWidget(splitter, 1);

  comparison_ = new GenerationComparisonView(tabs_);
  connect(comparison_, &GenerationComparisonView::jobStarted, this, &EvaluatePanel::jobStarted);
  connect(comparison_, &GenerationComparisonView::failed, this, &EvaluatePanel::failed);
  benchmarks_ = new BenchmarkComparisonView(plugins_, tabs_);
  connect(benchmarks_, &BenchmarkComparisonView::evaluateBaseRequested, this,
          &EvaluatePanel::evaluateBaseOf);
  connect(benchmarks_, &BenchmarkComparisonView::runSuiteRequested, this,
          &EvaluatePanel::runSuiteOn);
  connect(benchmarks_, &BenchmarkComparisonView::jobStarted, this, &EvaluatePanel::jobStarted);
  connect(benchmarks_, &BenchmarkComparisonView::readFailed, this, &EvaluatePanel::failed);
  tabs_->addTab(fileTab, tr("Evaluation on a fi&le"));
  tabs_->addTab(comparison_, tr("&Side by side"));
  tabs_->addTab(benchmarks_, tr("&Base vs fine-tuned"));
  // Ctrl+G works from the whole stage: it brings the side-by-side tab forward.
  addAction(comparison_->generateAction());
  connect(comparison_->generateAction(), &QAction::triggered, this,
          [this] { tabs_->setCurrentWidget(comparison_); });
  auto* outer = new QVBoxLayout(this);
  outer->addWidget(tabs_);

  targetChanged();
  setStatus(statusText());
}

EvaluatePanel::~EvaluatePanel() {
  // The runner's destructor cancels the job, which ends on its own thread.
  delete job_;
}

void EvaluatePanel::setProjectModel(const QString& modelFolder) {
  comparison_->setProjectModel(modelFolder);
}

void EvaluatePanel::setProject(const QString& projectFile, bool readOnly) {
  comparison_->setProject(projectFile, readOnly);
  const bool readOnlyChanged = readOnly != readOnly_;
  readOnly_ = readOnly;
  if (projectFile == projectFile_) {
    if (readOnlyChanged) targetChanged();  // the note says whether results are stored
    updateActions();
    return;
  }
  projectFile_ = projectFile;
  benchmarks_->setProject(projectFile_);
  runs_.clear();
  checkpoint_->setProperty("runId", QVariant::fromValue<qint64>(0));
  const QSignalBlocker blocker(target_);
  while (target_->count() > 1) target_->removeItem(0);
  history_->setProject(projectFile_);
  clearResults();
  lastError_.clear();
  targetChanged();
  if (!projectFile_.isEmpty()) readRuns();
  status_->clear();  // the previous project's status (or the no-project hint) is over
  setStatus(statusText());
}

void EvaluatePanel::refresh() {
  readRuns();
  comparison_->refresh();
  benchmarks_->refresh();
}

bool EvaluatePanel::runSuiteOn(qint64 runId, bool withBase) {
  if (readOnly_) {
    failed(tr("Run Suite"), tr("The project is open read-only: the results could not be stored."));
    return false;
  }
  if (!runs_.contains(runId)) {
    failed(tr("Run Suite"), tr("Choose one of the project's runs first."));
    return false;
  }
  const auto projectFolder = QFileInfo(projectFile_).absolutePath().toStdString();
  const auto target = runEvaluationTarget(runs_.value(runId).config, projectFolder);
  if (!target.problem.empty()) {
    failed(tr("Run Suite"), tr("Run %1 cannot be evaluated: %2.")
                                .arg(runId)
                                .arg(QString::fromStdString(target.problem)));
    return false;
  }
  std::vector<EvaluationRequest> models;
  if (withBase) {
    EvaluationRequest base;
    base.modelFolder = target.baseModelFolder;
    base.projectFile = projectFile_.toStdString();
    base.recordAsProjectModel = true;
    models.push_back(base);
  }
  EvaluationRequest tuned;
  const auto source = target.source();
  tuned.modelFolder = source.modelFolder;
  tuned.adapterFolder = source.adapterFolder;
  tuned.projectFile = projectFile_.toStdString();
  tuned.runId = runId;
  models.push_back(tuned);
  return benchmarks_->startSuite(std::move(models));
}

void EvaluatePanel::evaluateBaseOf(qint64 runId) {
  if (!runs_.contains(runId)) {
    fail(tr("Run %1 is not in the project any more.").arg(runId));
    return;
  }
  const auto projectFolder = QFileInfo(projectFile_).absolutePath().toStdString();
  const auto target = runEvaluationTarget(runs_.value(runId).config, projectFolder);
  if (target.baseModelFolder.empty()) {
    fail(tr("Run %1's config names no base model to evaluate.").arg(runId));
    return;
  }
  selectOtherModel(QDir::toNativeSeparators(QString::fromStdString(target.baseModelFolder)));
  // What stops it (no file chosen, say) is said on the evaluation tab.
  if (!evaluate()) tabs_->setCurrentIndex(0);
}

void EvaluatePanel::readCheckpoints(qint64 runId) {
  if (projectFile_.isEmpty() || runId <= 0) return;
  checkpointsReads_.run([file = projectFile_, runId] {
    return readProject<std::vector<RunCheckpoint>>(
        file, runId, [runId](const std::string& f) { return readRunCheckpoints(f, runId); });
  });
}

void EvaluatePanel::showCheckpoints(const CheckpointsRead& read) {
  if (read.projectFile != projectFile_ || read.key != selectedRun()) return;
  if (!read.error.isEmpty()) {
    fail(tr("Could not list the checkpoints of run %1: %2").arg(read.key).arg(read.error));
    return;
  }
  const qint64 keep = selectedCheckpoint();
  {
    const QSignalBlocker blocker(checkpoint_);
    while (checkpoint_->count() > 1) checkpoint_->removeItem(1);
    for (const auto& checkpoint : read.value) {
      checkpoint_->addItem(tr("Checkpoint at step %1").arg(checkpoint.step),
                           QVariant::fromValue<qint64>(checkpoint.step));
      const QString folder = QString::fromStdString(checkpoint.folder);
      checkpoint_->setItemData(checkpoint_->count() - 1, folder, kCheckpointFolderRole);
      checkpoint_->setItemData(checkpoint_->count() - 1, QDir::toNativeSeparators(folder),
                               Qt::ToolTipRole);
    }
    const int index = checkpoint_->findData(QVariant::fromValue<qint64>(keep));
    checkpoint_->setCurrentIndex(index < 0 ? 0 : index);
  }
  targetChanged();
  emit checkpointsRead();
}

qint64 EvaluatePanel::selectedCheckpoint() const {
  return checkpoint_->currentData().toLongLong();
}

bool EvaluatePanel::selectCheckpoint(qint64 step) {
  const int index = checkpoint_->findData(QVariant::fromValue<qint64>(step));
  if (index < 0) return false;
  checkpoint_->setCurrentIndex(index);
  return true;
}

RunEvaluationTarget EvaluatePanel::selectedTarget() const {
  const qint64 runId = selectedRun();
  const std::string config = runs_.value(runId).config;
  const auto projectFolder = QFileInfo(projectFile_).absolutePath().toStdString();
  if (selectedCheckpoint() < 0) return runEvaluationTarget(config, projectFolder);
  return runCheckpointTarget(
      config, projectFolder,
      checkpoint_->itemData(checkpoint_->currentIndex(), kCheckpointFolderRole)
          .toString()
          .toStdString());
}

bool EvaluatePanel::useRunValidationFile() {
  const qint64 runId = selectedRun();
  if (runId <= 0 || !runs_.contains(runId)) {
    fail(tr("Choose one of the project's runs first: its recorded config names the file."));
    return false;
  }
  const auto target = selectedTarget();
  if (target.validationFile.empty()) {
    fail(tr("Run %1 was trained without a validation file; choose an evaluation file instead.")
             .arg(runId));
    return false;
  }
  const QString validation = QString::fromStdString(target.validationFile);
  dataFile_->setText(QDir::toNativeSeparators(validation));
  defaultDataFile_ = dataFile_->text();
  setFields(QString::fromStdString(target.promptField),
            QString::fromStdString(target.responseField));
  setClassifierFields(QString::fromStdString(target.textField),
                      QString::fromStdString(target.labelField));
  maxLength_->setValue(static_cast<int>(target.maxLength));
  lastError_.clear();
  setStatus(tr("The evaluation file is run %1's validation file.").arg(runId));
  return true;
}

void EvaluatePanel::readRuns() {
  if (projectFile_.isEmpty()) return;
  runsReads_.run([file = projectFile_] {
    return readProject<std::vector<store::RunRecord>>(
        file, 0, [](const std::string& f) { return store::readRuns(f); });
  });
}

void EvaluatePanel::showRuns(const RunsRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    fail(tr("Could not read the runs: %1").arg(read.error));
    return;
  }
  const qint64 keep = selectAfterRead_ ? selectAfterRead_ : selectedRun();
  const bool other = !selectAfterRead_ && target_->count() > 1 && selectedRun() == 0;
  selectAfterRead_ = 0;
  {
    const QSignalBlocker blocker(target_);
    while (target_->count() > 1) target_->removeItem(0);
    runs_.clear();
    int position = 0;
    for (const auto& run : read.value) {
      runs_.insert(run.id, run);
      target_->insertItem(position++, runLabel(run), QVariant::fromValue<qint64>(run.id));
    }
    int index = target_->findData(QVariant::fromValue<qint64>(keep));
    // A newly opened project starts at its newest run.
    if (index < 0 || (keep == 0 && !other)) index = 0;
    target_->setCurrentIndex(index);
  }
  targetChanged();
  emit runsRead();
}

qint64 EvaluatePanel::selectedRun() const {
  return target_->currentData().toLongLong();
}

void EvaluatePanel::selectRun(qint64 runId) {
  const int index = target_->findData(QVariant::fromValue<qint64>(runId));
  if (index >= 0) {
    target_->setCurrentIndex(index);
  } else {
    // Not read yet (a run just made): selected once the runs are read again.
    selectAfterRead_ = runId;
    readRuns();
  }
}

void EvaluatePanel::selectOtherModel(const QString& modelFolder, const QString& adapterFolder) {
  target_->setCurrentIndex(target_->count() - 1);
  modelFolder_->setText(modelFolder);
  adapterFolder_->setText(adapterFolder);
}

void EvaluatePanel::setDataFile(const QString& file) {
  dataFile_->setText(file);
}

void EvaluatePanel::setFields(const QString& promptField, const QString& responseField) {
  promptField_->setText(promptField);
  responseField_->setText(responseField);
}

void EvaluatePanel::setMaxNewTokens(int tokens) {
  maxNewTokens_->setValue(tokens);
}

void EvaluatePanel::setClassifierFields(const QString& textField, const QString& labelField) {
  textField_->setText(textField);
  labelField_->setText(labelField);
}

void EvaluatePanel::setMaxLength(int tokens) {
  maxLength_->setValue(tokens);
}

void EvaluatePanel::setExampleLimit(int limit) {
  limit_->setValue(limit);
}

void EvaluatePanel::targetChanged() {
  const qint64 runId = selectedRun();
  const bool other = runId == 0;
  // The Benchmarks tab keeps the last run while another model is chosen (its base, say).
  if (runId > 0 && benchmarks_) benchmarks_->setRun(runId);
  // Results of another run or checkpoint must not stand beside this one's history.
  if (shown_ != Shown::Nothing &&
      (shownRun_ != runId || (shownCheckpoint_ && *shownCheckpoint_ != selectedCheckpoint())))
    clearResults();
  modelFolder_->setReadOnly(!other);
  browseModel_->setEnabled(other);
  checkpoint_->setEnabled(!other && !job_);
  useValidation_->setEnabled(!other);
  if (other || checkpoint_->property("runId").toLongLong() != runId) {
    // Another run: its checkpoints are read anew; until then only its final model is offered.
    const QSignalBlocker blocker(checkpoint_);
    while (checkpoint_->count() > 1) checkpoint_->removeItem(1);
    checkpoint_->setCurrentIndex(0);
    checkpoint_->setProperty("runId", QVariant::fromValue<qint64>(other ? 0 : runId));
    if (!other) readCheckpoints(runId);
  }
  adapterFolder_->setEnabled(other);
  browseAdapter_->setEnabled(other);
  if (other) {
    if (modelFromRun_) modelFolder_->clear();
    modelFromRun_ = false;
    targetNote_->setText(
        tr("The result is shown but not stored: the project stores evaluations of its runs, "
           "and of its own models (the Model stage's) evaluated without an adapter, which "
           "Monitor shows beside the versions trained from them. Choose a run above to keep the "
           "result with it."));
    history_->setRun(0);
  } else if (runs_.contains(runId)) {
    const auto target = selectedTarget();
    const bool atCheckpoint = !target.checkpointFolder.empty();
    modelFolder_->setText(QDir::toNativeSeparators(
        QString::fromStdString(atCheckpoint ? target.checkpointFolder : target.finalModelFolder)));
    modelFromRun_ = true;
    adapterFolder_->clear();
    QString note;
    if (!target.problem.empty())
      note = tr("Run %1 cannot be evaluated: %2.")
                 .arg(runId)
                 .arg(QString::fromStdString(target.problem));
    else if (atCheckpoint)
      note = tr("Evaluates run %1 at step %2: its base model %3 with the checkpoint's trained "
                "weights.")
                 .arg(runId)
                 .arg(target.checkpointStep)
                 .arg(QDir::toNativeSeparators(QString::fromStdString(target.baseModelFolder)));
    else
      note = tr("Evaluates the final model of run %1 (after LoRA or DoRA, the merged model).")
                 .arg(runId);
    note += QStringLiteral(" ") + (readOnly_ ? tr("The project is read-only: the result is shown "
                                                  "but not stored.")
                                             : tr("The result is stored with the run."));
    targetNote_->setText(note);
    // The run's validation data is the default, unless the user typed another file.
    const QString validation = QString::fromStdString(target.validationFile);
    if (dataFile_->text().isEmpty() || dataFile_->text() == defaultDataFile_) {
      dataFile_->setText(validation);
      defaultDataFile_ = validation;
      setFields(QString::fromStdString(target.promptField),
                QString::fromStdString(target.responseField));
      setClassifierFields(QString::fromStdString(target.textField),
                          QString::fromStdString(target.labelField));
      maxLength_->setValue(static_cast<int>(target.maxLength));
    }
    if (history_->runId() != runId)
      history_->setRun(runId);
    else
      history_->refresh();
  } else {
    targetNote_->clear();
    history_->setRun(0);
  }
  updateActions();
}

QList<qint64> EvaluatePanel::historyIds() const {
  return history_->evaluationIds();
}

QTableWidget* EvaluatePanel::historyTable() const {
  return history_->table();
}

void EvaluatePanel::showStored(const StoredEvaluation& evaluation) {
  shown_ = Shown::StoredEvaluation;
  shownRun_ = history_->runId();
  shownCheckpoint_.reset();
  if (isClassifierEvaluation(evaluation.metrics)) {
    try {
      lastClassifierResult_ = storedClassifierResult(evaluation.metrics, evaluation.items);
    } catch (const std::exception& e) {
      fail(tr("Stored evaluation %1 cannot be shown: %2").arg(evaluation.id).arg(e.what()));
      return;
    }
    classification_->setResult(lastClassifierResult_);
    showClassifierResults(true);
    summary_->setText(tr("Stored evaluation “%1” of %2: %3")
                          .arg(evaluation.suite, evaluation.date, classification_->figuresText()));
    emit storedItemsShown();
    return;
  }
  outcomes_->setItems(evaluation.items);
  showClassifierResults(false);
  if (!isGenerationEvaluation(evaluation.metrics)) {  // a plugin's evaluation
    summary_->setText(tr("Stored evaluation “%1” of %2: %3")
                          .arg(evaluation.suite, evaluation.date, metricsText(evaluation.metrics)));
    emit storedItemsShown();
    return;
  }
  showSummary(tr("Stored evaluation “%1” of %2").arg(evaluation.suite, evaluation.date),
              evaluation.exactMatch, evaluation.perplexity, outcomes_->rowCount(),
              outcomes_->rowCount() - outcomes_->mismatchCount());
  emit storedItemsShown();
}

void EvaluatePanel::chooseModelFolder() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Model Folder"), modelFolder_->text());
  if (!folder.isEmpty()) modelFolder_->setText(QDir::toNativeSeparators(folder));
}

void EvaluatePanel::chooseAdapterFolder() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Adapter Folder"),
      adapterFolder_->text().isEmpty() ? modelFolder_->text() : adapterFolder_->text());
  if (!folder.isEmpty()) adapterFolder_->setText(QDir::toNativeSeparators(folder));
}

void EvaluatePanel::chooseDataFile() {
  const QString start =
      dataFile_->text().isEmpty() ? QFileInfo(projectFile_).path() : dataFile_->text();
  const QString file = QFileDialog::getOpenFileName(
      this, tr("Evaluation File"), start,
      tr("Evaluation files (*.jsonl *.json *.parquet *.txt);;All files (*)"));
  if (!file.isEmpty()) dataFile_->setText(QDir::toNativeSeparators(file));
}

bool EvaluatePanel::selectEvaluator(const QString& id) {
  const int index = evaluator_->findData(id);
  if (index < 0) return false;
  evaluator_->setCurrentIndex(index);
  return true;
}

bool EvaluatePanel::evaluate() {
  if (job_) return false;
  if (projectFile_.isEmpty()) {
    fail(tr("Open or create a project first."));
    return false;
  }
  EvaluationRequest request;
  const qint64 runId = selectedRun();
  if (runId > 0) {
    if (!runs_.contains(runId)) {
      fail(tr("Run %1 is not in the project any more.").arg(runId));
      return false;
    }
    const auto target = selectedTarget();
    if (!target.problem.empty()) {
      fail(tr("Run %1 cannot be evaluated: %2.")
               .arg(runId)
               .arg(QString::fromStdString(target.problem)));
      return false;
    }
    const auto source = target.source();
    request.modelFolder = source.modelFolder;
    // Prompt tuning and bottleneck adapters leave the run's model as base + adapter.
    request.adapterFolder = source.adapterFolder;
    request.checkpointFolder = source.checkpointFolder;
    if (!readOnly_) {
      request.projectFile = projectFile_.toStdString();
      request.runId = runId;
    }
  } else {
    const QString model = modelFolder_->text().trimmed();
    if (model.isEmpty()) {
      fail(tr("Choose the model folder to evaluate."));
      return false;
    }
    request.modelFolder = QDir::fromNativeSeparators(model).toStdString();
    request.adapterFolder =
        QDir::fromNativeSeparators(adapterFolder_->text().trimmed()).toStdString();
    // One of the project's models on its own (a base model before fine-tuning) is recorded as
    // that model's: Monitor shows it beside the versions trained from it.
    if (!readOnly_ && request.adapterFolder.empty()) {
      request.projectFile = projectFile_.toStdString();
      request.recordAsProjectModel = true;
    }
  }
  const QString data = dataFile_->text().trimmed();
  if (data.isEmpty()) {
    fail(
        tr("Choose the evaluation file: JSON Lines with a prompt and a response field (a text "
           "and a label field for a classifier)."));
    return false;
  }
  const QString promptField = promptField_->text().trimmed();
  const QString responseField = responseField_->text().trimmed();
  if (promptField.isEmpty() || responseField.isEmpty()) {
    fail(tr("Name the prompt and the response fields of the evaluation file."));
    return false;
  }
  const QString textField = textField_->text().trimmed();
  const QString labelField = labelField_->text().trimmed();
  if (textField.isEmpty() || labelField.isEmpty()) {
    fail(
        tr("Name the text and the label fields a classifier reads (\"text\" and \"label\" "
           "unless the run named others)."));
    return false;
  }
  request.dataFile = QDir::fromNativeSeparators(data).toStdString();
  request.evaluator = evaluator_->currentData().toString().toStdString();
  // Every evaluator offered reads the settings it knows.
  request.settings = {{"prompt_field", promptField.toStdString()},
                      {"response_field", responseField.toStdString()},
                      {"max_new_tokens", maxNewTokens_->value()},
                      {"text_field", textField.toStdString()},
                      {"label_field", labelField.toStdString()},
                      {"max_length", maxLength_->value()},
                      {"limit", limit_->value()},
                      {"task", benchmarkTask_->currentData().toString().toStdString()},
                      {"num_fewshot", fewShot_->value()},
                      {"question_field", questionField_->text().trimmed().toStdString()},
                      {"choices_field", choicesField_->text().trimmed().toStdString()},
                      {"answer_field", answerField_->text().trimmed().toStdString()}};
  request.suite = QFileInfo(data).fileName().toStdString();
  jobCheckpointStep_ = request.checkpointFolder.empty() ? -1 : selectedCheckpoint();
  // A checkpoint's evaluation is stored as the checkpoint's; the suite says which step it was.
  if (jobCheckpointStep_ >= 0) {
    request.suite += tr(" at step %1").arg(jobCheckpointStep_).toStdString();
    if (request.runId > 0) request.checkpointStep = jobCheckpointStep_;
  }

  jobRunId_ = request.runId;
  std::unique_ptr<EvaluationJob> evaluation;
  try {
    evaluation = std::make_unique<EvaluationJob>(plugins_, std::move(request));
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return false;
  }
  job_ = new JobRunner(std::move(evaluation), this);
  connect(job_, &JobRunner::progressChanged, this, [this] {
    if (!job_) return;
    const auto progress = job_->progress();
    if (!progress.text.isEmpty()) setStatus(progress.text);
  });
  connect(job_, &JobRunner::finished, this, &EvaluatePanel::onFinished);
  lastError_.clear();
  job_->start();
  setStatus(runId > 0
                ? (jobCheckpointStep_ >= 0
                       ? tr("Evaluating run %1 at step %2…").arg(runId).arg(jobCheckpointStep_)
                       : tr("Evaluating the final model of run %1…").arg(runId))
                : tr("Evaluating %1…")
                      .arg(QDir::toNativeSeparators(QString::fromStdString(
                          static_cast<const EvaluationJob&>(job_->job()).request().modelFolder))));
  updateActions();
  emit jobStarted(job_);
  return true;
}

void EvaluatePanel::onFinished() {
  auto* runner = job_;
  job_ = nullptr;
  const auto& job = static_cast<const EvaluationJob&>(runner->job());
  const qint64 runId = jobRunId_;
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    fail(runner->errorText());
    emit failed(tr("Evaluation"), runner->errorText());
  } else {
    lastStoredEvaluation_ = job.evaluationId();
    history_->clearSelection();
    QString source =
        runId > 0
            ? (jobCheckpointStep_ >= 0 ? tr("Run %1 at step %2").arg(runId).arg(jobCheckpointStep_)
                                       : tr("Final model of run %1").arg(runId))
            : QDir::toNativeSeparators(QString::fromStdString(job.request().modelFolder));
    if (!job.request().adapterFolder.empty())
      source +=
          tr(" with adapter %1")
              .arg(QDir::toNativeSeparators(QString::fromStdString(job.request().adapterFolder)));
    bool canceled = false;
    const int64_t examples = showFresh(source, job.result(), &canceled);
    shown_ = examples > 0 ? Shown::FreshResult : Shown::Nothing;
    shownRun_ = runId > 0 ? runId : selectedRun();
    shownCheckpoint_ = jobCheckpointStep_;
    if (examples == 0) summary_->clear();
    if (runner->outcome() == JobRunner::Outcome::Canceled || canceled) {
      setStatus(tr("Canceled after %n example(s); the partial result is shown and not stored.",
                   nullptr, static_cast<int>(examples)));
    } else if (lastStoredEvaluation_ > 0 && runId == 0) {
      setStatus(tr("Stored as the project model's evaluation (evaluation #%1 of the project); "
                   "Monitor shows it beside the versions trained from it.")
                    .arg(lastStoredEvaluation_));
    } else if (lastStoredEvaluation_ > 0) {
      setStatus(tr("Stored with run %1 (evaluation #%2 of the project).")
                    .arg(runId)
                    .arg(lastStoredEvaluation_));
      history_->refresh();
    } else if (runId == 0 && selectedRun() == 0) {
      setStatus(
          tr("Done. Not stored: only evaluations of the project's runs and of its models (without "
             "an adapter) are stored."));
    } else {
      setStatus(readOnly_ ? tr("Done. Not stored: the project is read-only.") : tr("Done."));
    }
  }
  runner->deleteLater();
  updateActions();
  benchmarks_->refresh();
  emit evaluationFinished();
}

int64_t EvaluatePanel::showFresh(const QString& source, const EvaluatorResult& result,
                                 bool* canceled) {
  *canceled = result.canceled;
  if (isClassifierEvaluation(result.metrics)) {
    try {
      lastClassifierResult_ = classifierResultOf(result);
    } catch (const std::exception& e) {
      fail(tr("The classifier's result cannot be shown: %1").arg(e.what()));
      return 0;
    }
    classification_->setResult(lastClassifierResult_);
    showClassifierResults(true);
    const int64_t examples = lastClassifierResult_.metrics.examples;
    if (examples > 0)
      summary_->setText(
          tr("%1 (sequence classifier): %2").arg(source, classification_->figuresText()));
    return examples;
  }
  if (isGenerationEvaluation(result.metrics)) {
    lastResult_ = generationResultOf(result);
    outcomes_->setOutcomes(lastResult_.outcomes);
    showClassifierResults(false);
    const qint64 matches = outcomes_->rowCount() - outcomes_->mismatchCount();
    if (lastResult_.examples > 0)
      showSummary(source, lastResult_.exactMatch, lastResult_.perplexity, lastResult_.examples,
                  matches);
    return lastResult_.examples;
  }
  // A plugin's evaluation: its items in the table (a score of 1 is a match), its metrics above.
  lastResult_ = {};
  outcomes_->setItems(evaluationItems(result));
  showClassifierResults(false);
  summary_->setText(tr("%1: %2").arg(source, metricsText(result.metrics)));
  return static_cast<int64_t>(result.items.size());
}

QString EvaluatePanel::metricsText(const std::vector<std::pair<std::string, double>>& metrics) {
  QStringList parts;
  for (const auto& [name, value] : metrics)
    parts << QStringLiteral("%1 %2").arg(QString::fromStdString(name), formatNumber(value));
  return parts.join(QStringLiteral(" · "));
}

void EvaluatePanel::showSummary(const QString& source, double exactMatch, double perplexity,
                                qint64 examples, qint64 matches) {
  summary_->setText(tr("%1: exact match %2 (%3 of %4) · perplexity %5")
                        .arg(source, formatShare(exactMatch))
                        .arg(matches)
                        .arg(examples)
                        .arg(formatNumber(perplexity)));
}

void EvaluatePanel::clearResults() {
  outcomes_->clear();
  classification_->clear();
  summary_->clear();
  shown_ = Shown::Nothing;
  shownRun_ = 0;
  shownCheckpoint_.reset();
}

void EvaluatePanel::showClassifierResults(bool classifier) {
  showsClassifier_ = classifier;
  results_->setCurrentWidget(classifier ? static_cast<QWidget*>(classification_) : outcomesView_);
  // The classifier's view has its own filter, to its wrong predictions.
  onlyMismatches_->setVisible(!classifier);
}

QString EvaluatePanel::summaryText() const {
  return summary_->text();
}

void EvaluatePanel::setStatus(const QString& text) {
  status_->setText(text);
}

QString EvaluatePanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to evaluate its runs.");
  if (!lastError_.isEmpty()) return lastError_;
  if (job_) return tr("Evaluating…");
  return status_->text().isEmpty()
             ? tr("Choose a run or a model folder and an evaluation file, then Evaluate (%1).")
                   .arg(evaluateAction_->shortcut().toString(QKeySequence::NativeText))
             : status_->text();
}

void EvaluatePanel::fail(const QString& message) {
  lastError_ = message;
  setStatus(tr("Error: %1").arg(message));
}

void EvaluatePanel::updateActions() {
  evaluateAction_->setEnabled(!projectFile_.isEmpty() && !job_);
  target_->setEnabled(!job_);
  checkpoint_->setEnabled(!job_ && selectedRun() > 0);
}

}  // namespace tunebench::ui
