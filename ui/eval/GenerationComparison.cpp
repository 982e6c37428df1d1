#include "eval/GenerationComparison.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>
#include <climits>

#include "ActionButton.h"
#include "eval/GenerationComparisonJob.h"
#include "jobs/JobRunner.h"

namespace tunebench::ui {

namespace {

constexpr int kNoChoice = -1;

QString folderName(const QString& folder) {
  return QFileInfo(QDir::cleanPath(folder)).fileName();
}

QString statsText(qint64 tokens, double seconds) {
  if (tokens <= 0) return QObject::tr("no tokens");
  return QObject::tr("%n token(s) in %1 s · %2 tokens/s", nullptr, static_cast<int>(tokens))
      .arg(seconds, 0, 'f', 2)
      .arg(seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0, 0, 'f', 1);
}

}  // namespace

GenerationComparisonView::GenerationComparisonView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("generationComparison"));
  generateAction_ = new QAction(tr("&Generate"), this);
  generateAction_->setObjectName(QStringLiteral("generateAction"));
  generateAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  generateAction_->setToolTip(
      tr("Generate side by side (%1)")
          .arg(generateAction_->shortcut().toString(QKeySequence::NativeText)));
  addAction(generateAction_);
  connect(generateAction_, &QAction::triggered, this, [this] { generate(); });
  stopAction_ = new QAction(tr("St&op"), this);
  stopAction_->setObjectName(QStringLiteral("stopGenerationAction"));
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
  stopAction_->setToolTip(
      tr("Stop generating (%1)").arg(stopAction_->shortcut().toString(QKeySequence::NativeText)));
  stopAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  addAction(stopAction_);
  connect(stopAction_, &QAction::triggered, this, &GenerationComparisonView::cancel);

  history_ = new QListWidget(this);
  history_->setObjectName(QStringLiteral("generationHistory"));
  history_->setAccessibleName(tr("Earlier comparisons"));
  history_->setWordWrap(true);
  connect(history_, &QListWidget::itemSelectionChanged, this, [this] {
    const auto* item = history_->currentItem();
    if (item && item->isSelected()) openComparison(item->data(Qt::UserRole).toLongLong());
  });
  auto* historyBox = new QWidget(this);
  auto* historyLayout = new QVBoxLayout(historyBox);
  historyLayout->setContentsMargins(0, 0, 0, 0);
  auto* historyLabel = new QLabel(tr("Earlier &comparisons:"), historyBox);
  historyLabel->setBuddy(history_);
  historyLayout->addWidget(historyLabel);
  historyLayout->addWidget(history_, 1);

  auto* main = new QWidget(this);
  auto* mainLayout = new QVBoxLayout(main);
  mainLayout->setContentsMargins(0, 0, 0, 0);
  prompt_ = new QPlainTextEdit(main);
  prompt_->setObjectName(QStringLiteral("generationPrompt"));
  prompt_->setAccessibleName(tr("Prompt"));
  prompt_->setPlaceholderText(tr("The prompt every model continues"));
  prompt_->setTabChangesFocus(true);
  prompt_->setMaximumHeight(90);
  auto* promptLabel = new QLabel(tr("P&rompt:"), main);
  promptLabel->setBuddy(prompt_);
  mainLayout->addWidget(promptLabel);
  mainLayout->addWidget(prompt_);
  mainLayout->addWidget(buildSettings());

  auto* columns = new QSplitter(Qt::Horizontal, main);
  for (int column = 0; column < kColumns; ++column) columns->addWidget(buildColumn(column));
  mainLayout->addWidget(columns, 1);
  status_ = new QLabel(main);
  status_->setObjectName(QStringLiteral("generationStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  mainLayout->addWidget(status_);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(historyBox);
  splitter->addWidget(main);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 5);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  textTimer_.setInterval(JobRunner::kRefreshIntervalMs);
  connect(&textTimer_, &QTimer::timeout, this, &GenerationComparisonView::pickUpText);
  fillBaseModels();
  setStatus(statusText());
  updateActions();
}

QWidget* GenerationComparisonView::buildSettings() {
  auto* box = new QWidget(this);
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  auto labelled = [&](const QString& text, QWidget* field) {
    auto* label = new QLabel(text, box);
    label->setBuddy(field);
    row->addWidget(label);
    row->addWidget(field);
  };
  maxNewTokens_ = new QSpinBox(box);
  maxNewTokens_->setObjectName(QStringLiteral("generationMaxNewTokens"));
  maxNewTokens_->setRange(1, 4096);
  maxNewTokens_->setValue(64);
  labelled(tr("Max new &tokens:"), maxNewTokens_);
  temperature_ = new QDoubleSpinBox(box);
  temperature_->setObjectName(QStringLiteral("generationTemperature"));
  temperature_->setRange(0.0, 5.0);
  temperature_->setSingleStep(0.1);
  temperature_->setDecimals(2);
  temperature_->setSpecialValueText(tr("0 (greedy)"));
  temperature_->setValue(0.0);
  labelled(tr("Temperat&ure:"), temperature_);
  topK_ = new QSpinBox(box);
  topK_->setObjectName(QStringLiteral("generationTopK"));
  topK_->setRange(0, 1000000);
  topK_->setSpecialValueText(tr("off"));
  labelled(tr("Top-&k:"), topK_);
  topP_ = new QDoubleSpinBox(box);
  topP_->setObjectName(QStringLiteral("generationTopP"));
  topP_->setRange(0.01, 1.0);
  topP_->setSingleStep(0.05);
  topP_->setDecimals(2);
  topP_->setValue(1.0);
  labelled(tr("Top-&p:"), topP_);
  seed_ = new QSpinBox(box);
  seed_->setObjectName(QStringLiteral("generationSeed"));
  seed_->setRange(0, INT_MAX);
  labelled(tr("S&eed:"), seed_);
  promptFormat_ = new QComboBox(box);
  promptFormat_->setObjectName(QStringLiteral("generationPromptFormat"));
  for (const auto& name : promptChoiceNames())
    promptFormat_->addItem(tr(name.label), static_cast<int>(name.value));
  promptFormat_->setToolTip(
      tr("How the prompt reaches each model. A tuned model answers best in the format it was "
         "trained with: “As each run was trained” wraps the prompt the way the run's training "
         "file did (Alpaca or ChatML; the base model and runs trained otherwise get it as "
         "typed). Each column's title says which format it used."));
  labelled(tr("Prompt &format:"), promptFormat_);
  row->addStretch(1);
  row->addWidget(actionButton(generateAction_, box));
  row->addWidget(actionButton(stopAction_, box));
  return box;
}

QWidget* GenerationComparisonView::buildColumn(int column) {
  auto* box = new QWidget(this);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* picker = new QComboBox(box);
  QLabel* pickerLabel;
  if (column == 0) {
    baseModel_ = picker;
    picker->setObjectName(QStringLiteral("generationBaseModel"));
    pickerLabel = new QLabel(tr("&Base model:"), box);
  } else {
    runs_[static_cast<size_t>(column - 1)] = picker;
    picker->setObjectName(QStringLiteral("generationRun%1").arg(column));
    // Letters, not numbers: a slot's name must not read as a run's id.
    pickerLabel = new QLabel(tr("Tuned model &%1:").arg(QChar('A' + column - 1)), box);
    picker->addItem(tr("(none)"), kNoChoice);
  }
  picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  picker->setMinimumContentsLength(12);
  pickerLabel->setBuddy(picker);
  layout->addWidget(pickerLabel);
  layout->addWidget(picker);
  auto* title = new QLabel(box);
  title->setObjectName(QStringLiteral("generationTitle%1").arg(column));
  title->setWordWrap(true);
  titles_[static_cast<size_t>(column)] = title;
  layout->addWidget(title);
  auto* text = new QPlainTextEdit(box);
  text->setObjectName(QStringLiteral("generationText%1").arg(column));
  text->setAccessibleName(column == 0 ? tr("Base model output") : tr("Run %1 output").arg(column));
  text->setReadOnly(true);
  texts_[static_cast<size_t>(column)] = text;
  layout->addWidget(text, 1);
  auto* stats = new QLabel(box);
  stats->setObjectName(QStringLiteral("generationStats%1").arg(column));
  stats_[static_cast<size_t>(column)] = stats;
  layout->addWidget(stats);
  return box;
}

GenerationComparisonView::~GenerationComparisonView() {
  delete job_;  // cancels the job, which ends on its own thread
}

void GenerationComparisonView::setProject(const QString& projectFile, bool readOnly) {
  readOnly_ = readOnly;
  if (projectFile == projectFile_) {
    updateActions();
    return;
  }
  projectFile_ = projectFile;
  choices_.clear();
  for (auto* picker : runs_) {
    const QSignalBlocker blocker(picker);
    while (picker->count() > 1) picker->removeItem(1);
  }
  history_->clear();
  lastError_.clear();
  fillBaseModels();
  refresh();
  status_->clear();  // the previous project's status (or the no-project hint) is over
  setStatus(statusText());
  updateActions();
}

void GenerationComparisonView::setProjectModel(const QString& modelFolder) {
  if (modelFolder == projectModel_) return;
  projectModel_ = modelFolder;
  fillBaseModels();
}

void GenerationComparisonView::refresh() {
  readChoices();
  readComparisons();
}

void GenerationComparisonView::readChoices() {
  if (projectFile_.isEmpty()) return;
  choicesReads_.run([file = projectFile_] {
    return readProject<std::vector<ModelChoice>>(file, 0, readModelChoices);
  });
}

void GenerationComparisonView::showChoices(const ChoicesRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    fail(tr("Could not read the runs: %1").arg(read.error));
    return;
  }
  // Keep each column's pick across the re-read, by run and step.
  std::array<std::pair<qint64, qint64>, kRunColumns> kept{};
  for (size_t i = 0; i < runs_.size(); ++i) {
    const int index = runs_[i]->currentData().toInt();
    if (index >= 0 && index < static_cast<int>(choices_.size()))
      kept[i] = {choices_[static_cast<size_t>(index)].runId,
                 choices_[static_cast<size_t>(index)].checkpointStep};
  }
  choices_ = read.value;
  for (size_t i = 0; i < runs_.size(); ++i) {
    auto* picker = runs_[i];
    const QSignalBlocker blocker(picker);
    while (picker->count() > 1) picker->removeItem(1);
    for (size_t c = 0; c < choices_.size(); ++c) {
      const auto& choice = choices_[c];
      picker->addItem(
          choice.problem.isEmpty() ? choice.label() : tr("%1 (unavailable)").arg(choice.label()),
          static_cast<int>(c));
      picker->setItemData(picker->count() - 1,
                          choice.problem.isEmpty()
                              ? QString::fromStdString(choice.source.describe())
                              : choice.problem,
                          Qt::ToolTipRole);
      if (kept[i].first == choice.runId && kept[i].second == choice.checkpointStep)
        picker->setCurrentIndex(picker->count() - 1);
    }
  }
  fillBaseModels();
  emit modelsRead();
}

void GenerationComparisonView::fillBaseModels() {
  const QString current = baseModel_->currentData().toString();
  const bool hadChoice = baseModel_->count() > 1;
  const QSignalBlocker blocker(baseModel_);
  baseModel_->clear();
  baseModel_->addItem(tr("(none)"), QString());
  QStringList offered;
  if (!projectModel_.isEmpty()) {
    baseModel_->addItem(tr("Project model: %1").arg(folderName(projectModel_)), projectModel_);
    offered << projectModel_;
  }
  for (const auto& choice : choices_) {
    if (choice.baseModelFolder.isEmpty() || offered.contains(choice.baseModelFolder)) continue;
    baseModel_->addItem(
        tr("Base of run %1: %2").arg(choice.runId).arg(folderName(choice.baseModelFolder)),
        choice.baseModelFolder);
    offered << choice.baseModelFolder;
  }
  for (int i = 0; i < baseModel_->count(); ++i)
    baseModel_->setItemData(i, baseModel_->itemData(i), Qt::ToolTipRole);
  const int keep = baseModel_->findData(current);
  // The first model offered is the default, until the user picks one (or none).
  baseModel_->setCurrentIndex(hadChoice && keep >= 0 ? keep : (baseModel_->count() > 1 ? 1 : 0));
}

bool GenerationComparisonView::chooseBaseModel(const QString& folder) {
  const int index = baseModel_->findData(folder);
  if (index < 0) return false;
  baseModel_->setCurrentIndex(index);
  return true;
}

bool GenerationComparisonView::chooseRun(int column, qint64 runId, qint64 checkpointStep) {
  if (column < 0 || column >= kRunColumns) return false;
  auto* picker = runs_[static_cast<size_t>(column)];
  if (runId == 0) {
    picker->setCurrentIndex(0);
    return true;
  }
  for (size_t c = 0; c < choices_.size(); ++c)
    if (choices_[c].runId == runId && choices_[c].checkpointStep == checkpointStep) {
      picker->setCurrentIndex(picker->findData(static_cast<int>(c)));
      return true;
    }
  return false;
}

void GenerationComparisonView::setPrompt(const QString& prompt) {
  prompt_->setPlainText(prompt);
}

QString GenerationComparisonView::prompt() const {
  return prompt_->toPlainText();
}

void GenerationComparisonView::setMaxNewTokens(int tokens) {
  maxNewTokens_->setValue(tokens);
}

void GenerationComparisonView::setSampling(double temperature, int topK, double topP, int seed) {
  temperature_->setValue(temperature);
  topK_->setValue(topK);
  topP_->setValue(topP);
  seed_->setValue(seed);
}

void GenerationComparisonView::setPromptChoice(PromptChoice choice) {
  promptFormat_->setCurrentIndex(promptFormat_->findData(static_cast<int>(choice)));
}

PromptChoice GenerationComparisonView::promptChoice() const {
  return static_cast<PromptChoice>(promptFormat_->currentData().toInt());
}

bool GenerationComparisonView::generate() {
  if (job_) return false;
  if (projectFile_.isEmpty()) {
    fail(tr("Open or create a project first."));
    return false;
  }
  if (prompt_->toPlainText().trimmed().isEmpty()) {
    fail(tr("Write a prompt for the models to continue."));
    return false;
  }
  ComparisonRequest request;
  request.prompt = prompt_->toPlainText().toStdString();
  auto& settings = request.settings;
  settings.maxNewTokens = maxNewTokens_->value();
  settings.temperature = temperature_->value();
  settings.topK = topK_->value();
  settings.topP = topP_->value();
  settings.seed = static_cast<uint64_t>(seed_->value());
  settings.prompt = promptChoice();
  std::vector<int> columns;
  const QString base = baseModel_->currentData().toString();
  if (!base.isEmpty()) {
    ComparisonColumn column;
    column.label = tr("Base model %1").arg(folderName(base)).toStdString();
    column.source.modelFolder = QDir::fromNativeSeparators(base).toStdString();
    request.columns.push_back(column);
    columns.push_back(0);
  }
  for (size_t i = 0; i < runs_.size(); ++i) {
    const int index = runs_[i]->currentData().toInt();
    if (index < 0 || index >= static_cast<int>(choices_.size())) continue;
    const auto& choice = choices_[static_cast<size_t>(index)];
    if (!choice.problem.isEmpty()) {
      fail(tr("%1 cannot be used: %2.").arg(choice.label(), choice.problem));
      return false;
    }
    ComparisonColumn column;
    column.label = choice.label().toStdString();
    column.source = choice.source;
    column.runId = choice.runId;
    if (choice.checkpointStep >= 0) column.checkpointStep = choice.checkpointStep;
    column.trainedPreset = choice.trainedPreset;
    request.columns.push_back(column);
    columns.push_back(static_cast<int>(i) + 1);
  }
  if (request.columns.empty()) {
    fail(tr("Choose a base model or at least one run to generate with."));
    return false;
  }
  if (!readOnly_) request.projectFile = projectFile_.toStdString();

  jobColumns_ = columns;
  updates_.fill(0);
  seenRevision_ = -1;
  for (int column = 0; column < kColumns; ++column) {
    texts_[static_cast<size_t>(column)]->clear();
    stats_[static_cast<size_t>(column)]->clear();
    titles_[static_cast<size_t>(column)]->clear();
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    titles_[static_cast<size_t>(columns[i])]->setText(
        tr("%1 · prompt: %2")
            .arg(QString::fromStdString(request.columns[i].label),
                 QString::fromStdString(
                     columnPromptFormat(request.columns[i], request.settings.prompt))));
    stats_[static_cast<size_t>(columns[i])]->setText(tr("waiting"));
  }
  {
    const QSignalBlocker blocker(history_);
    history_->clearSelection();
  }
  job_ = new JobRunner(std::make_unique<GenerationComparisonJob>(std::move(request)), this);
  connect(job_, &JobRunner::progressChanged, this, [this] {
    if (job_ && !job_->progress().text.isEmpty()) setStatus(job_->progress().text);
  });
  connect(job_, &JobRunner::finished, this, &GenerationComparisonView::onFinished);
  lastError_.clear();
  lastStored_ = 0;
  job_->start();
  textTimer_.start();
  setStatus(tr("Generating…"));
  updateActions();
  emit jobStarted(job_);
  return true;
}

void GenerationComparisonView::cancel() {
  if (job_) job_->cancel();
}

void GenerationComparisonView::pickUpText() {
  if (!job_) return;
  const auto& job = static_cast<const GenerationComparisonJob&>(job_->job());
  const qint64 revision = job.revision();
  if (revision == seenRevision_) return;
  seenRevision_ = revision;
  const auto outputs = job.outputs();
  for (size_t i = 0; i < outputs.size() && i < jobColumns_.size(); ++i) {
    const auto column = static_cast<size_t>(jobColumns_[i]);
    auto* view = texts_[column];
    const QString text = QString::fromStdString(outputs[i].text);
    const QString shown = view->toPlainText();
    if (text == shown) continue;
    if (text.startsWith(shown)) {
      // Append what is new, so that the view does not jump back to the top.
      QTextCursor cursor(view->document());
      cursor.movePosition(QTextCursor::End);
      cursor.insertText(text.mid(shown.size()));
    } else {
      view->setPlainText(text);
    }
    ++updates_[column];
    if (outputs[i].started && !outputs[i].done)
      stats_[column]->setText(tr("%n token(s)…", nullptr, static_cast<int>(outputs[i].tokens)));
  }
}

void GenerationComparisonView::onFinished() {
  textTimer_.stop();
  pickUpText();
  auto* runner = job_;
  const auto& job = static_cast<const GenerationComparisonJob&>(runner->job());
  const auto outputs = job.outputs();
  for (size_t i = 0; i < outputs.size() && i < jobColumns_.size(); ++i) {
    const auto column = static_cast<size_t>(jobColumns_[i]);
    if (outputs[i].done)
      stats_[column]->setText(statsText(outputs[i].tokens, outputs[i].seconds));
    else if (outputs[i].started)
      stats_[column]->setText(
          tr("stopped after %n token(s)", nullptr, static_cast<int>(outputs[i].tokens)));
    else
      stats_[column]->setText(tr("not generated"));
  }
  job_ = nullptr;
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    fail(runner->errorText());
    emit failed(tr("Side-by-side generation"), runner->errorText());
  } else if (runner->outcome() == JobRunner::Outcome::Canceled) {
    setStatus(tr("Stopped. What was generated is shown and not stored."));
  } else if (job.comparisonId() > 0) {
    lastStored_ = job.comparisonId();
    setStatus(tr("Stored in the project as comparison %1.").arg(lastStored_));
    readComparisons();
  } else {
    setStatus(tr("Done. Not stored: the project is read-only."));
  }
  runner->deleteLater();
  updateActions();
  emit generationFinished();
}

void GenerationComparisonView::readComparisons() {
  if (projectFile_.isEmpty()) return;
  comparisonsReads_.run([file = projectFile_] {
    return readProject<std::vector<store::GenerationComparisonRecord>>(
        file, 0, store::readGenerationComparisons);
  });
}

void GenerationComparisonView::showComparisons(const ComparisonsRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    fail(tr("Could not read the earlier comparisons: %1").arg(read.error));
    return;
  }
  const QSignalBlocker blocker(history_);
  const qint64 selected =
      history_->currentItem() ? history_->currentItem()->data(Qt::UserRole).toLongLong() : 0;
  history_->clear();
  for (const auto& comparison : read.value) {
    QStringList labels;
    for (const auto& output : comparison.outputs) labels << QString::fromStdString(output.label);
    QString prompt = QString::fromStdString(comparison.prompt).simplified();
    if (prompt.size() > 60) prompt = prompt.left(59) + QStringLiteral("…");
    const auto when =
        QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(comparison.createdAt * 1000.0));
    auto* item =
        new QListWidgetItem(tr("%1 · %2\n“%3”")
                                .arg(comparison.id)
                                .arg(QLocale().toString(when, QLocale::ShortFormat), prompt),
                            history_);
    item->setToolTip(labels.join(QStringLiteral("\n")));
    item->setData(Qt::UserRole, QVariant::fromValue<qint64>(comparison.id));
    // After a Generate the new comparison is the one shown, whatever was selected before.
    if (lastStored_ > 0 ? comparison.id == lastStored_ : comparison.id == selected) {
      history_->setCurrentItem(item);
      item->setSelected(true);
    }
  }
  emit comparisonsRead();
}

QList<qint64> GenerationComparisonView::comparisonIds() const {
  QList<qint64> ids;
  for (int row = 0; row < history_->count(); ++row)
    ids << history_->item(row)->data(Qt::UserRole).toLongLong();
  return ids;
}

void GenerationComparisonView::openComparison(qint64 id) {
  if (projectFile_.isEmpty() || job_) return;
  comparisonReads_.run([file = projectFile_, id] {
    return readProject<std::optional<store::GenerationComparisonRecord>>(
        file, id, [id](const std::string& f) { return store::readGenerationComparison(f, id); });
  });
}

void GenerationComparisonView::showComparison(const ComparisonRead& read) {
  if (read.projectFile != projectFile_ || job_) return;
  if (!read.error.isEmpty() || !read.value) {
    fail(read.error.isEmpty()
             ? tr("Comparison %1 is not in the project any more.").arg(read.key)
             : tr("Could not read comparison %1: %2").arg(read.key).arg(read.error));
    return;
  }
  const auto& comparison = *read.value;
  prompt_->setPlainText(QString::fromStdString(comparison.prompt));
  try {
    const auto settings = ComparisonSettings::fromJson(comparison.settings);
    maxNewTokens_->setValue(static_cast<int>(settings.maxNewTokens));
    setSampling(settings.temperature, static_cast<int>(settings.topK), settings.topP,
                static_cast<int>(settings.seed));
    setPromptChoice(settings.prompt);
  } catch (const std::exception& e) {
    fail(tr("Comparison %1 has unreadable settings: %2").arg(comparison.id).arg(e.what()));
  }
  for (int column = 0; column < kColumns; ++column) {
    texts_[static_cast<size_t>(column)]->clear();
    titles_[static_cast<size_t>(column)]->clear();
    stats_[static_cast<size_t>(column)]->clear();
  }
  // The base model (an output without a run) takes the first column, runs the others in order.
  int nextRunColumn = 1;
  bool baseShown = false;
  for (const auto& output : comparison.outputs) {
    int column;
    if (!output.runId && !baseShown) {
      column = 0;
      baseShown = true;
      chooseBaseModel(QString::fromStdString(output.modelFolder));
    } else if (nextRunColumn < kColumns) {
      column = nextRunColumn++;
      if (output.runId) chooseRun(column - 1, *output.runId, output.checkpointStep.value_or(-1));
    } else {
      continue;
    }
    titles_[static_cast<size_t>(column)]->setText(QString::fromStdString(output.label));
    texts_[static_cast<size_t>(column)]->setPlainText(QString::fromStdString(output.text));
    stats_[static_cast<size_t>(column)]->setText(statsText(output.tokens, output.seconds));
  }
  setStatus(tr("Comparison %1 as stored.").arg(comparison.id));
  emit comparisonShown();
}

QString GenerationComparisonView::columnText(int column) const {
  return texts_[static_cast<size_t>(column)]->toPlainText();
}

QString GenerationComparisonView::columnTitle(int column) const {
  return titles_[static_cast<size_t>(column)]->text();
}

QString GenerationComparisonView::columnStats(int column) const {
  return stats_[static_cast<size_t>(column)]->text();
}

QString GenerationComparisonView::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to compare its models.");
  if (!lastError_.isEmpty()) return tr("Error: %1").arg(lastError_);
  return status_->text().isEmpty()
             ? tr("Write a prompt, choose the models, then Generate (%1).")
                   .arg(generateAction_->shortcut().toString(QKeySequence::NativeText))
             : status_->text();
}

void GenerationComparisonView::setStatus(const QString& text) {
  status_->setText(text);
}

void GenerationComparisonView::fail(const QString& message) {
  lastError_ = message;
  setStatus(tr("Error: %1").arg(message));
}

void GenerationComparisonView::updateActions() {
  generateAction_->setEnabled(!projectFile_.isEmpty() && !job_);
  stopAction_->setEnabled(job_ != nullptr);
  baseModel_->setEnabled(!job_);
  for (auto* picker : runs_) picker->setEnabled(!job_);
}

}  // namespace tunebench::ui
