#include "data/CleaningRecipeEditor.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "common/JsonFile.h"
#include "data/CleanVersionJob.h"
#include "data/CleaningRecipe.h"
#include "data/CleaningRecipeModel.h"
#include "data/CleaningStepCatalog.h"
#include "data/RecipeTokenCounter.h"
#include "data/StepSettingsForm.h"
#include "data/TextDiff.h"
#include "jobs/BasicJobContext.h"
#include "jobs/JobRunner.h"

namespace tunebench::ui {

namespace {

// A recipe is a few steps of JSON; anything much larger is not one.
constexpr qint64 kMaxRecipeBytes = 1 << 20;

QString shortcutText(const QAction* action) {
  return action->shortcut().toString(QKeySequence::NativeText);
}

QPushButton* buttonFor(QAction* action, const QString& text, QWidget* parent) {
  auto* button = new QPushButton(text, parent);
  button->setToolTip(action->toolTip());
  button->setEnabled(action->isEnabled());
  QObject::connect(button, &QPushButton::clicked, action, &QAction::trigger);
  QObject::connect(action, &QAction::changed, button,
                   [button, action] { button->setEnabled(action->isEnabled()); });
  return button;
}

// New steps start from the kind's defaults; empty optional file names are left out.
nlohmann::json initialSettings(const CleaningStepKind& kind) {
  nlohmann::json settings = nlohmann::json::object();
  for (const auto& [key, value] : kind.defaults.items()) {
    if ((key == "wordsFile" || key == "synonymsFile") && value == "") continue;
    settings[key] = value;
  }
  return settings;
}

QString sampleText(const std::string& text) {
  return QString::fromStdString(text);
}

}  // namespace

CleaningRecipeEditor::CleaningRecipeEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("cleaningRecipeEditor"));
  model_ = new CleaningRecipeModel(this);
  buildActions();

  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout;
  addButton_ = new QPushButton(tr("&Add Step"), this);
  addButton_->setObjectName(QStringLiteral("addStepButton"));
  addButton_->setMenu(addMenu_);
  addButton_->setToolTip(tr("Add a cleaning step (%1)").arg(shortcutText(addAction_)));
  buttons->addWidget(addButton_);
  buttons->addWidget(buttonFor(moveUpAction_, tr("Move &Up"), this));
  buttons->addWidget(buttonFor(moveDownAction_, tr("Move Do&wn"), this));
  buttons->addWidget(buttonFor(removeAction_, tr("&Remove"), this));
  buttons->addSpacing(16);
  buttons->addWidget(buttonFor(openAction_, tr("&Open Recipe…"), this));
  buttons->addWidget(buttonFor(saveAction_, tr("&Save Recipe…"), this));
  buttons->addStretch(1);
  auto* applyButton = buttonFor(applyAction_, tr("A&pply"), this);
  applyButton->setObjectName(QStringLiteral("applyRecipeButton"));
  buttons->addWidget(applyButton);
  layout->addLayout(buttons);

  list_ = new QListView(this);
  list_->setObjectName(QStringLiteral("recipeSteps"));
  list_->setAccessibleName(tr("Recipe steps"));
  list_->setModel(model_);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setDragDropMode(QAbstractItemView::InternalMove);
  list_->setDefaultDropAction(Qt::MoveAction);
  list_->setDragEnabled(true);
  list_->setAcceptDrops(true);
  list_->setDropIndicatorShown(true);
  list_->setSpacing(2);
  list_->setWordWrap(true);
  for (auto* action : {moveUpAction_, moveDownAction_, removeAction_}) list_->addAction(action);
  list_->setContextMenuPolicy(Qt::ActionsContextMenu);

  auto* settingsBox = new QGroupBox(tr("Step settings"), this);
  auto* settingsLayout = new QVBoxLayout(settingsBox);
  form_ = new StepSettingsForm(settingsBox);
  auto* scroll = new QScrollArea(settingsBox);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  settingsLayout->addWidget(scroll);

  auto* samplesBox = new QGroupBox(tr("Sample rows before and after the selected step"), this);
  auto* samplesLayout = new QVBoxLayout(samplesBox);
  samples_ = new QTextBrowser(samplesBox);
  samples_->setObjectName(QStringLiteral("stepSamples"));
  samples_->setAccessibleName(tr("Sample rows"));
  samples_->setOpenLinks(false);
  samplesLayout->addWidget(samples_);

  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(settingsBox);
  right->addWidget(samplesBox);
  settingsBox->setMinimumHeight(200);
  right->setStretchFactor(0, 2);
  right->setStretchFactor(1, 3);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(list_);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  layout->addWidget(splitter, 1);

  previewNote_ = new QLabel(this);
  previewNote_->setObjectName(QStringLiteral("previewNote"));
  previewNote_->setWordWrap(true);
  layout->addWidget(previewNote_);
  auto* statusRow = new QHBoxLayout;
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("recipeStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusRow->addWidget(status_, 1);
  auto* progress = new QProgressBar(this);
  progress->setObjectName(QStringLiteral("applyProgress"));
  progress->setMaximumWidth(220);
  progress->hide();
  statusRow->addWidget(progress);
  layout->addLayout(statusRow);

  previewTimer_.setSingleShot(true);
  previewTimer_.setInterval(kPreviewDelayMs);
  connect(&previewTimer_, &QTimer::timeout, this, &CleaningRecipeEditor::startPreview);
  connect(&previewWatcher_, &QFutureWatcher<RecipePreview>::finished, this,
          &CleaningRecipeEditor::onPreviewFinished);
  connect(&versionWatcher_, &QFutureWatcher<VersionRead>::finished, this,
          &CleaningRecipeEditor::onVersionRead);
  connect(model_, &CleaningRecipeModel::recipeChanged, this, [this] {
    model_->clearOutcome();
    schedulePreview();
    updateActions();
  });
  connect(model_, &QAbstractItemModel::rowsMoved, this, [this] { updateActions(); });
  connect(list_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
    showSelectedStep();
    updateActions();
  });
  connect(form_, &StepSettingsForm::edited, this, &CleaningRecipeEditor::formEdited);
  // Progress of Apply in the bar beside the status.
  connect(this, &CleaningRecipeEditor::jobStarted, progress, [progress](JobRunner* runner) {
    progress->setRange(0, 0);
    progress->show();
    connect(runner, &JobRunner::progressChanged, progress, [progress, runner] {
      const auto p = runner->progress();
      if (p.total > 0) {
        progress->setRange(0, 1000);
        progress->setValue(int(1000 * p.done / p.total));
      }
    });
    connect(runner, &JobRunner::finished, progress, &QProgressBar::hide);
  });

  setStatus(idleStatus());
  updateActions();
}

CleaningRecipeEditor::~CleaningRecipeEditor() {
  delete job_;  // cancels and waits
  if (previewContext_) previewContext_->cancel();
  if (versionContext_) versionContext_->cancel();
  previewWatcher_.waitForFinished();
  versionWatcher_.waitForFinished();
}

void CleaningRecipeEditor::buildActions() {
  addMenu_ = new QMenu(tr("Add Step"), this);
  addMenu_->setObjectName(QStringLiteral("addStepMenu"));
  addMenu_->setToolTipsVisible(true);
  for (const auto& kind : cleaningStepKinds()) {
    auto* action = addMenu_->addAction(kind.title);
    action->setData(kind.id);
    action->setToolTip(kind.help);
    action->setStatusTip(kind.help);
    connect(action, &QAction::triggered, this, [this, id = kind.id] { addStep(id); });
  }

  auto make = [this](const QString& text, const QKeySequence& key, const QString& name) {
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    if (!key.isEmpty()) {
      action->setShortcut(key);
      action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
      action->setToolTip(QStringLiteral("%1 (%2)").arg(action->text().remove(QLatin1Char('&')),
                                                       key.toString(QKeySequence::NativeText)));
    }
    return action;
  };
  addAction_ = make(tr("Add Step"), QKeySequence(Qt::Key_Insert), QStringLiteral("addStepAction"));
  addAction(addAction_);
  connect(addAction_, &QAction::triggered, this,
          [this] { addMenu_->popup(addButton_->mapToGlobal(QPoint(0, addButton_->height()))); });
  moveUpAction_ =
      make(tr("Move Up"), QKeySequence(Qt::CTRL | Qt::Key_Up), QStringLiteral("moveStepUp"));
  connect(moveUpAction_, &QAction::triggered, this, [this] { moveCurrentStep(-1); });
  moveDownAction_ =
      make(tr("Move Down"), QKeySequence(Qt::CTRL | Qt::Key_Down), QStringLiteral("moveStepDown"));
  connect(moveDownAction_, &QAction::triggered, this, [this] { moveCurrentStep(1); });
  removeAction_ =
      make(tr("Remove"), QKeySequence(QKeySequence::Delete), QStringLiteral("removeStep"));
  connect(removeAction_, &QAction::triggered, this, [this] { removeCurrentStep(); });
  applyAction_ =
      make(tr("Apply"), QKeySequence(Qt::CTRL | Qt::Key_Return), QStringLiteral("applyRecipe"));
  applyAction_->setToolTip(tr("Store the cleaned rows as the dataset's next version (%1)")
                               .arg(shortcutText(applyAction_)));
  addAction(applyAction_);
  connect(applyAction_, &QAction::triggered, this, [this] { apply(); });
  openAction_ = make(tr("Open Recipe…"), {}, QStringLiteral("openRecipe"));
  openAction_->setToolTip(tr("Open a recipe JSON file (as `data clean --recipe` reads)"));
  connect(openAction_, &QAction::triggered, this, &CleaningRecipeEditor::chooseRecipeToOpen);
  saveAction_ = make(tr("Save Recipe…"), {}, QStringLiteral("saveRecipe"));
  saveAction_->setToolTip(tr("Save the recipe as JSON for `data clean --recipe`"));
  connect(saveAction_, &QAction::triggered, this, &CleaningRecipeEditor::chooseRecipeToSave);
}

void CleaningRecipeEditor::setProject(const QString& projectFile, bool readOnly) {
  readOnly_ = readOnly;
  if (projectFile != projectFile_) {
    projectFile_ = projectFile;
    datasetId_ = 0;
    versionNumber_ = 0;
    lastError_.clear();
    readVersion();
  }
  setStatus(idleStatus());
  updateActions();
}

void CleaningRecipeEditor::setDataset(qint64 datasetId, int version) {
  datasetId_ = datasetId;
  versionNumber_ = version;
  lastError_.clear();
  readVersion();
}

void CleaningRecipeEditor::setModelFolder(const QString& folder) {
  if (folder == modelFolder_) return;
  modelFolder_ = folder;
  // Only a recipe that counts tokens looks different with another model.
  if (recipeCountsTokens(model_->toJson())) {
    model_->clearOutcome();
    previewTimer_.stop();
    startPreview();  // a preview still running for the old model is started again
  }
}

void CleaningRecipeEditor::readVersion() {
  if (versionContext_) versionContext_->cancel();
  versionContext_.reset();
  ++versionKey_;
  loaded_ = {};
  updateActions();
  if (projectFile_.isEmpty() || datasetId_ <= 0) {
    schedulePreview();
    setStatus(idleStatus());
    return;
  }
  auto context = std::make_shared<BasicJobContext>();
  versionContext_ = context;
  setStatus(tr("Reading the dataset…"));
  versionWatcher_.setFuture(QtConcurrent::run(
      [file = projectFile_, id = datasetId_, number = versionNumber_, key = versionKey_, context] {
        VersionRead read;
        read.key = key;
        try {
          read.version = readDatasetVersion(file, id, number, *context);
        } catch (const std::exception& e) {
          read.error = QString::fromStdString(e.what());
        }
        return read;
      }));
}

void CleaningRecipeEditor::onVersionRead() {
  const VersionRead read = versionWatcher_.result();
  if (read.key != versionKey_) return;
  versionContext_.reset();
  if (!read.error.isEmpty()) {
    lastError_ = tr("Could not read the dataset: %1").arg(read.error);
    setStatus(lastError_);
    emit failed(tr("Cleaning Recipe"), lastError_);
    updateActions();
    return;
  }
  loaded_ = read.version;
  lastError_.clear();
  setStatus(idleStatus());
  updateActions();
  emit datasetLoaded();
  previewTimer_.stop();
  startPreview();
}

int CleaningRecipeEditor::addStep(const QString& stepId) {
  const auto* kind = findCleaningStepKind(stepId);
  if (!kind) return -1;
  const int row = model_->addStep(kind->id, initialSettings(*kind));
  setCurrentRow(row);
  return row;
}

int CleaningRecipeEditor::currentRow() const {
  const QModelIndex current = list_->currentIndex();
  return current.isValid() ? current.row() : -1;
}

void CleaningRecipeEditor::setCurrentRow(int row) {
  if (row < 0 || row >= model_->rowCount()) {
    list_->setCurrentIndex({});
    return;
  }
  list_->setCurrentIndex(model_->index(row));
}

bool CleaningRecipeEditor::moveCurrentStep(int offset) {
  const int row = currentRow();
  if (row < 0 || !model_->moveStep(row, row + offset)) return false;
  setCurrentRow(row + offset);
  return true;
}

bool CleaningRecipeEditor::removeCurrentStep() {
  const int row = currentRow();
  if (row < 0) return false;
  model_->removeRows(row, 1);
  setCurrentRow(std::min(row, model_->rowCount() - 1));
  showSelectedStep();
  return true;
}

void CleaningRecipeEditor::showSelectedStep() {
  const int row = currentRow();
  if (row < 0) {
    form_->setStep({}, nlohmann::json::object());
  } else {
    const auto& step = model_->step(row);
    form_->setStep(step.id, step.settings);
    form_->setProblem(step.problem);
  }
  showSamples();
}

void CleaningRecipeEditor::formEdited() {
  const int row = currentRow();
  if (row < 0 || model_->step(row).id != form_->stepId()) return;
  model_->setSettings(row, form_->settings());
}

void CleaningRecipeEditor::schedulePreview() {
  previewTimer_.start();
}

bool CleaningRecipeEditor::isPreviewPending() const {
  // The contexts live from the start of a worker until its result has been taken in.
  return previewTimer_.isActive() || previewContext_ || previewAgain_ || versionContext_;
}

void CleaningRecipeEditor::startPreview() {
  if (previewContext_) {
    // The running preview is for an older recipe: stop it and start again once it returns.
    previewContext_->cancel();
    previewAgain_ = true;
    return;
  }
  previewAgain_ = false;
  auto context = std::make_shared<BasicJobContext>();
  previewContext_ = context;
  if (loaded_.data) previewNote_->setText(tr("Previewing…"));
  previewWatcher_.setFuture(QtConcurrent::run(
      [recipe = model_->toJson(), data = loaded_.data, revision = model_->revision(),
       folder = modelFolder_.toStdString(),
       context] { return previewRecipe(recipe, data, folder, kPreviewRows, revision, *context); }));
}

void CleaningRecipeEditor::onPreviewFinished() {
  const RecipePreview preview = previewWatcher_.result();
  previewContext_.reset();
  if (previewAgain_ || preview.revision != model_->revision()) {
    previewAgain_ = false;
    startPreview();
    return;
  }
  model_->setOutcome(preview.problems, preview.reports);
  const int row = currentRow();
  if (row >= 0) form_->setProblem(model_->step(row).problem);
  QString note;
  if (!loaded_.data) {
    note = tr("Choose a dataset version to preview the recipe on its rows.");
  } else if (!preview.error.isEmpty()) {
    note = tr("The preview failed: %1").arg(preview.error);
  } else if (!preview.ran) {
    note = model_->rowCount() == 0
               ? tr("Add steps to see what they do to %1.").arg(describeVersion(loaded_))
               : tr("Fix the settings of the steps marked with a problem to see the preview.");
  } else if (preview.rows < preview.totalRows) {
    note = tr("Preview of the first %1 of %2 rows of %3; Apply cleans every row.")
               .arg(preview.rows)
               .arg(preview.totalRows)
               .arg(describeVersion(loaded_));
  } else {
    note = tr("Preview of all %1 rows of %2.").arg(preview.totalRows).arg(describeVersion(loaded_));
  }
  previewNote_->setText(note);
  showSamples();
  updateActions();
  emit previewUpdated();
}

void CleaningRecipeEditor::showSamples() {
  const int row = currentRow();
  if (row < 0) {
    samples_->setHtml(tr("<p>Select a step to see sample rows before and after it.</p>"));
    return;
  }
  const auto& step = model_->step(row);
  if (!step.report) {
    samples_->setHtml(step.enabled
                          ? tr("<p>No preview for this step yet.</p>")
                          : tr("<p>This step is off: switch it on to see what it does.</p>"));
    return;
  }
  const auto& report = *step.report;
  QString html;
  if (report.changedSamples.empty() && report.removedSamples.empty())
    html += tr("<p>This step changed and removed nothing in the preview.</p>");
  if (!report.changedSamples.empty()) {
    html += QStringLiteral("<h4>%1</h4>")
                .arg(tr("Changed rows (%1 of %2 shown)")
                         .arg(report.changedSamples.size())
                         .arg(report.changed));
    html += QStringLiteral(
                "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" border=\"1\">"
                "<tr><th>%1</th><th>%2</th><th>%3</th></tr>")
                .arg(tr("Row"), tr("Before"), tr("After"));
    for (const auto& sample : report.changedSamples) {
      const auto pieces = diffWords(sampleText(sample.before), sampleText(sample.after));
      html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                  .arg(sample.sourceIndex)
                  .arg(diffBeforeHtml(pieces), diffAfterHtml(pieces));
    }
    html += QStringLiteral("</table>");
  }
  if (!report.removedSamples.empty()) {
    html += QStringLiteral("<h4>%1</h4>")
                .arg(tr("Removed rows (%1 of %2 shown)")
                         .arg(report.removedSamples.size())
                         .arg(report.removed));
    html += QStringLiteral(
                "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" border=\"1\">"
                "<tr><th>%1</th><th>%2</th></tr>")
                .arg(tr("Row"), tr("Text"));
    for (const auto& sample : report.removedSamples) {
      const auto pieces = diffWords(sampleText(sample.before), QString());
      html += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                  .arg(sample.sourceIndex)
                  .arg(diffBeforeHtml(pieces));
    }
    html += QStringLiteral("</table>");
  }
  samples_->setHtml(html);
}

bool CleaningRecipeEditor::apply() {
  QString problem;
  if (job_)
    problem = tr("Apply is already running.");
  else if (projectFile_.isEmpty())
    problem = tr("Open or create a project first.");
  else if (readOnly_)
    problem =
        tr("The project is read-only: a new version cannot be stored. Save a copy of the "
           "project (File > Save As) to clean its data.");
  else if (!loaded_.data)
    problem = tr("Choose the dataset version to clean first.");
  else if (model_->enabledCount() == 0)
    problem = tr("Add at least one step and switch it on.");
  else if (model_->hasProblems())
    problem = tr("Fix the settings of the steps marked with a problem first.");
  if (!problem.isEmpty()) {
    lastError_ = problem;
    setStatus(problem);
    return false;
  }
  lastError_.clear();
  jobDatasetId_ = loaded_.datasetId;
  jobSource_ = describeVersion(loaded_);
  job_ =
      new JobRunner(std::make_unique<CleanVersionJob>(projectFile_.toStdString(), loaded_.versionId,
                                                      describeVersion(loaded_).toStdString(),
                                                      model_->toJson(), modelFolder_.toStdString()),
                    this);
  connect(job_, &JobRunner::progressChanged, this, [this] {
    if (!job_) return;
    const auto p = job_->progress();
    if (!p.text.isEmpty()) setStatus(tr("Applying: %1").arg(p.text));
  });
  connect(job_, &JobRunner::finished, this, &CleaningRecipeEditor::onApplyFinished);
  job_->start();
  setStatus(tr("Applying the recipe to %1…").arg(describeVersion(loaded_)));
  updateActions();
  emit jobStarted(job_);
  return true;
}

void CleaningRecipeEditor::onApplyFinished() {
  auto* runner = job_;
  job_ = nullptr;
  const auto& job = static_cast<const CleanVersionJob&>(runner->job());
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    lastError_ = tr("Apply failed: %1").arg(runner->errorText());
    setStatus(lastError_);
    emit failed(tr("Apply Cleaning Recipe"),
                tr("%1\n\nNothing was stored. Check the recipe's steps and try again.")
                    .arg(runner->errorText()));
  } else if (runner->outcome() == JobRunner::Outcome::Canceled || job.result().canceled) {
    setStatus(tr("Apply canceled; nothing was stored."));
  } else {
    const auto& version = job.result().version;
    setStatus(tr("Stored version %1 with %2 rows (cleaned from %3).")
                  .arg(version.number)
                  .arg(version.recordCount)
                  .arg(jobSource_));
    emit versionStored(jobDatasetId_, int(version.number));
  }
  runner->deleteLater();
  updateActions();
}

bool CleaningRecipeEditor::saveRecipe(const QString& file) {
  QSaveFile out(file);
  const QByteArray bytes = QByteArray::fromStdString(model_->toJson().dump(2) + "\n");
  if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
    lastError_ = tr("Could not save the recipe to %1: %2. Choose another file or folder.")
                     .arg(QDir::toNativeSeparators(file), out.errorString());
    setStatus(lastError_);
    emit failed(tr("Save Recipe"), lastError_);
    return false;
  }
  lastError_.clear();
  setStatus(tr("Saved the recipe to %1.").arg(QDir::toNativeSeparators(file)));
  return true;
}

bool CleaningRecipeEditor::openRecipe(const QString& file) {
  const QString shown = QDir::toNativeSeparators(file);
  QString problem;
  nlohmann::json recipe;
  QFile in(file);
  if (!in.open(QIODevice::ReadOnly)) {
    problem = tr("Could not open %1: %2.").arg(shown, in.errorString());
  } else if (in.size() > kMaxRecipeBytes) {
    problem = tr("%1 is larger than 1 MiB: not a cleaning recipe.").arg(shown);
  } else {
    try {
      recipe = parseJson(in.readAll().toStdString(), "the recipe");
      // The core's parser checks the structure and every step's settings.
      CleaningRecipe::fromJson(recipe);
    } catch (const std::exception& e) {
      problem = tr("%1: %2").arg(shown, QString::fromStdString(e.what()));
    }
  }
  if (!problem.isEmpty()) {
    lastError_ = problem;
    setStatus(problem);
    emit failed(tr("Open Recipe"),
                tr("%1\n\nA recipe is JSON of the form {\"steps\": [{\"id\": ..., \"enabled\": "
                   "..., \"settings\": {...}}]}, as `data clean --recipe` reads it.")
                    .arg(problem));
    return false;
  }
  model_->setRecipe(recipe);
  setCurrentRow(model_->rowCount() > 0 ? 0 : -1);
  showSelectedStep();
  lastError_.clear();
  setStatus(tr("Opened the recipe %1.").arg(shown));
  return true;
}

void CleaningRecipeEditor::chooseRecipeToOpen() {
  const QString file =
      QFileDialog::getOpenFileName(this, tr("Open Cleaning Recipe"), QFileInfo(projectFile_).path(),
                                   tr("Recipes (*.json);;All files (*)"));
  if (!file.isEmpty()) openRecipe(file);
}

void CleaningRecipeEditor::chooseRecipeToSave() {
  QString file =
      QFileDialog::getSaveFileName(this, tr("Save Cleaning Recipe"), QFileInfo(projectFile_).path(),
                                   tr("Recipes (*.json);;All files (*)"));
  if (file.isEmpty()) return;
  if (QFileInfo(file).suffix().isEmpty()) file += QStringLiteral(".json");
  saveRecipe(file);
}

QString CleaningRecipeEditor::statusText() const {
  return status_->text();
}

QString CleaningRecipeEditor::idleStatus() const {
  if (!lastError_.isEmpty()) return lastError_;
  if (projectFile_.isEmpty()) return tr("Open or create a project to clean its datasets.");
  if (datasetId_ <= 0) return tr("Choose a dataset to clean.");
  if (!loaded_.data) return tr("Reading the dataset…");
  QString text =
      tr("%1: %2 rows.").arg(describeVersion(loaded_)).arg(loaded_.data->examples.size());
  if (readOnly_) text += QLatin1Char(' ') + tr("The project is read-only: Apply is off.");
  return text;
}

void CleaningRecipeEditor::setStatus(const QString& text) {
  status_->setText(text);
}

void CleaningRecipeEditor::updateActions() {
  const int row = currentRow();
  moveUpAction_->setEnabled(row > 0);
  moveDownAction_->setEnabled(row >= 0 && row + 1 < model_->rowCount());
  removeAction_->setEnabled(row >= 0);
  saveAction_->setEnabled(model_->rowCount() > 0);
  applyAction_->setEnabled(!job_ && !readOnly_ && !projectFile_.isEmpty() && loaded_.data &&
                           model_->enabledCount() > 0 && !model_->hasProblems());
}

}  // namespace tunebench::ui
