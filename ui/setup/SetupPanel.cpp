#include "setup/SetupPanel.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include "ActionButton.h"
#include "common/JsonFile.h"
#include "jobs/JobRunner.h"
#include "setup/EstimateView.h"
#include "setup/SetupForm.h"
#include "setup/SetupPresets.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

const char* const kSource = "run configuration";

}  // namespace

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("setupPanel"));
  openAction_ = new QAction(tr("&Open run.json…"), this);
  saveAction_ = new QAction(tr("Save run.json &As…"), this);
  estimateAction_ = new QAction(tr("&Estimate Memory and Time"), this);
  estimateAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  useAction_ = new QAction(tr("&Use for Training"), this);
  // Ctrl+Shift+U is the Train stage's Resume; T for Training.
  useAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
  openAction_->setToolTip(tr("Fill the form from a run.json"));
  saveAction_->setToolTip(tr("Save the run config shown on the right as a run.json"));
  estimateAction_->setToolTip(
      tr("Run a few training steps on a worker thread and measure peak memory, step time and "
         "tokens/s (%1)")
          .arg(estimateAction_->shortcut().toString(QKeySequence::NativeText)));
  useAction_->setToolTip(tr("Fill the Train stage's form with this config and go there (%1)")
                             .arg(useAction_->shortcut().toString(QKeySequence::NativeText)));
  addActions({openAction_, saveAction_, estimateAction_, useAction_});
  connect(openAction_, &QAction::triggered, this, &SetupPanel::chooseRunConfigToOpen);
  connect(saveAction_, &QAction::triggered, this, &SetupPanel::chooseRunConfigToSave);
  connect(estimateAction_, &QAction::triggered, this, [this] { estimate(); });
  connect(useAction_, &QAction::triggered, this, [this] { useForTraining(); });

  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  presets_ = new QComboBox(this);
  presets_->setObjectName(QStringLiteral("presets"));
  presets_->setPlaceholderText(tr("Choose a preset…"));
  int index = 0;
  for (const auto& preset : setupPresets()) {
    presets_->addItem(preset.name);
    presets_->setItemData(index++, preset.description, Qt::ToolTipRole);
  }
  presets_->setCurrentIndex(-1);
  presets_->setToolTip(tr("Fills the method and hyperparameters (not the model or data files)"));
  auto* presetLabel = new QLabel(tr("Prese&t:"), this);
  presetLabel->setBuddy(presets_);
  connect(presets_, &QComboBox::activated, this, &SetupPanel::applyPreset);
  top->addWidget(presetLabel);
  top->addWidget(presets_);
  top->addSpacing(12);
  for (auto* action : {openAction_, saveAction_, estimateAction_, useAction_})
    top->addWidget(actionButton(action, this));
  top->addStretch(1);
  layout->addLayout(top);

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("setupProblem"));
  problemLabel_->setWordWrap(true);
  problemLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(problemLabel_);

  auto* splitter = new QSplitter(this);
  auto* scroll = new QScrollArea(splitter);
  scroll->setWidgetResizable(true);
  form_ = new SetupForm(scroll);
  scroll->setWidget(form_);
  auto* side = new QWidget(splitter);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  auto* estimateBox = new QGroupBox(tr("Estimate"), side);
  auto* estimateLayout = new QVBoxLayout(estimateBox);
  estimateView_ = new EstimateView(estimateBox);
  estimateLayout->addWidget(estimateView_);
  auto* jsonBox = new QGroupBox(tr("Run config (JSON)"), side);
  auto* jsonLayout = new QVBoxLayout(jsonBox);
  json_ = new QPlainTextEdit(jsonBox);
  json_->setObjectName(QStringLiteral("runConfigJson"));
  json_->setAccessibleName(tr("Run config as JSON"));
  json_->setReadOnly(true);
  json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  jsonLayout->addWidget(json_);
  sideLayout->addWidget(estimateBox);
  sideLayout->addWidget(jsonBox, 1);
  splitter->addWidget(scroll);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  draftTimer_.setSingleShot(true);
  draftTimer_.setInterval(300);
  connect(&draftTimer_, &QTimer::timeout, this, &SetupPanel::writeDraft);
  connect(form_, &SetupForm::edited, this, [this] {
    touched_ = true;
    validate();
    if (!restoringDraft_ && !projectFile_.isEmpty()) draftTimer_.start();
  });
  validate();
}

SetupPanel::~SetupPanel() {
  // The runner's destructor cancels the dry run, which ends on its own thread.
  delete job_;
}

void SetupPanel::fileDone(const FileResult& result) {
  if (!result.error.isEmpty()) {
    emit failed(result.saving ? tr("Save run.json") : tr("Open run.json"), result.error);
  } else if (result.saving) {
    emit configSaved(result.file);
  } else {
    form_->setConfig(result.config);
    emit configOpened(result.file);
  }
  updateActions();
}

void SetupPanel::setProject(const QString& projectFile, const QString& modelFolder) {
  const bool sameProject = projectFile == projectFile_;
  projectFile_ = projectFile;
  const QSignalBlocker blocker(form_);
  if (!sameProject) {
    TrainingConfig defaults;
    defaults.modelFolder = modelFolder.toStdString();
    if (!projectFile.isEmpty())
      defaults.outputFolder =
          QFileInfo(projectFile).dir().filePath(QStringLiteral("checkpoints/run")).toStdString();
    draftTimer_.stop();
    restoringDraft_ = true;
    form_->setConfig(defaults);
    form_->fitTargetsToModel();
    restoringDraft_ = false;
    touched_ = false;
    lastEstimate_.reset();
    estimateView_->showMessage(tr("No estimate yet for this project."));
    readDraft();
  } else if (!touched_ || form_->modelFolder().isEmpty()) {
    form_->setModelFolder(modelFolder);
  }
  validate();
}

namespace {
const char* const kDraftSetting = "setup.draft";
}  // namespace

void SetupPanel::readDraft() {
  draftReads_.clear();
  if (projectFile_.isEmpty()) return;
  draftReads_.run([file = projectFile_]() -> StoredDraft {
    store::OpenOptions options;
    options.readOnly = true;
    auto store = store::ProjectStore::open(file.toStdString(), options);
    return {file, store.setting(kDraftSetting)};
  });
}

void SetupPanel::restoreDraft(const QString& projectFile, const std::optional<std::string>& draft) {
  // What the user changed meanwhile wins over the stored draft.
  if (projectFile != projectFile_ || touched_ || !draft) return;
  try {
    // A draft is often unfinished: the paths not chosen yet stand in for parsing and are
    // emptied again in the form.
    auto json = parseJson(*draft, "the project's Setup draft");
    const nlohmann::json::json_pointer model("/model"), output("/output"), train("/data/train");
    auto unset = [&json](const nlohmann::json::json_pointer& at) {
      return !json.contains(at) || !json.at(at).is_string() ||
             json.at(at).get<std::string>().empty();
    };
    const bool noModel = unset(model), noOutput = unset(output), noTrain = unset(train);
    if (noModel) json[model] = "unset";
    if (noOutput) json[output] = "unset";
    if (noTrain) json[train] = "unset";
    const auto config =
        parseTrainingConfig(json, "the project's Setup draft", baseFolder().toStdString());
    restoringDraft_ = true;
    form_->setConfig(config);
    if (noModel) form_->setModelFolder(QString());
    if (noOutput) form_->setOutputFolder(QString());
    if (noTrain) form_->setTrainFile(QString());
    restoringDraft_ = false;
    touched_ = true;
    validate();
    emit draftRestored();
  } catch (const std::exception&) {
    // A draft this release cannot read (written by a newer one): the defaults stay.
    restoringDraft_ = false;
  }
}

void SetupPanel::writeDraft() {
  if (projectFile_.isEmpty()) return;
  draftWrites_.run([file = projectFile_, text = runConfig().dump()] {
    auto store = store::ProjectStore::open(file.toStdString());
    if (store.isReadOnly()) return false;
    store.setSetting(kDraftSetting, text);
    return true;
  });
}

QString SetupPanel::baseFolder() const {
  return projectFile_.isEmpty() ? QString() : QFileInfo(projectFile_).path();
}

nlohmann::json SetupPanel::runConfig() const {
  return form_->toJson();
}

void SetupPanel::validate() {
  const auto json = runConfig();
  json_->setPlainText(QString::fromStdString(json.dump(2)));
  const QString prefix = QString::fromLatin1(kSource) + QStringLiteral(": ");
  try {
    parseTrainingConfig(json, kSource, baseFolder().toStdString());
    problem_.clear();
    form_->showProblem({}, {});
  } catch (const std::exception& e) {
    problem_ = QString::fromStdString(e.what());
    if (problem_.startsWith(prefix)) problem_ = problem_.mid(prefix.size());
    // The parser's messages begin with the setting's name: "optimizer.lr must be …".
    const QString key = problem_.section(QLatin1Char(' '), 0, 0);
    form_->showProblem(key, problem_);
  }
  const ConfigState before = state_;
  state_ = !touched_ ? ConfigState::Untouched
                     : (problem_.isEmpty() ? ConfigState::Valid : ConfigState::Invalid);
  problemLabel_->setText(problem_.isEmpty()
                             ? tr("The configuration is valid.")
                             : tr("<b>Not valid yet:</b> %1").arg(problem_.toHtmlEscaped()));
  if (lastEstimate_) estimateView_->setStale(json != estimatedConfig_);
  updateActions();
  if (state_ != before) emit stateChanged();
}

void SetupPanel::updateActions() {
  estimateAction_->setEnabled(job_ == nullptr);
  saveAction_->setEnabled(!files_.isBusy());
  openAction_->setEnabled(!files_.isBusy());
}

void SetupPanel::applyPreset(int index) {
  const auto& presets = setupPresets();
  if (index < 0 || index >= static_cast<int>(presets.size())) return;
  TrainingConfig config;
  presets[static_cast<size_t>(index)].apply(config);
  form_->setHyperparameters(config);
  presets_->setCurrentIndex(-1);
}

void SetupPanel::chooseRunConfigToOpen() {
  const QString file = QFileDialog::getOpenFileName(
      this, tr("Open run.json"), baseFolder(), tr("Run configurations (*.json);;All files (*)"));
  if (!file.isEmpty()) openRunConfig(file);
}

void SetupPanel::chooseRunConfigToSave() {
  QString file = QFileDialog::getSaveFileName(
      this, tr("Save run.json"), QDir(baseFolder()).filePath(QStringLiteral("run.json")),
      tr("Run configurations (*.json)"));
  if (file.isEmpty()) return;
  if (!file.endsWith(QLatin1String(".json"))) file += QStringLiteral(".json");
  saveRunConfig(file);
}

void SetupPanel::openRunConfig(const QString& file) {
  if (files_.isBusy()) return;
  files_.run([file] {
    FileResult result;
    result.file = file;
    try {
      // The engine's parser: the form never holds a config it would refuse to read.
      result.config = loadTrainingConfig(file.toStdString());
    } catch (const std::exception& e) {
      result.error = tr("%1\n\nCorrect the file (docs/training-config.md describes every setting) "
                        "and open it again.")
                         .arg(QString::fromStdString(e.what()));
    }
    return result;
  });
  updateActions();
}

void SetupPanel::saveRunConfig(const QString& file) {
  if (files_.isBusy()) return;
  const QByteArray text = QByteArray::fromStdString(runConfig().dump(2) + "\n");
  files_.run([file, text] {
    FileResult result;
    result.file = file;
    result.saving = true;
    // QSaveFile writes a temporary file and renames it: a failed save leaves the old file.
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit())
      result.error = tr("Could not save %1: %2. Choose a folder you can write to and save again.")
                         .arg(QDir::toNativeSeparators(file), out.errorString());
    return result;
  });
  updateActions();
}

bool SetupPanel::estimate() {
  if (job_) return false;
  touched_ = true;
  validate();
  if (!problem_.isEmpty()) {
    estimateView_->showMessage(tr("Cannot estimate: %1").arg(problem_));
    emit failed(
        tr("Estimate"),
        tr("%1\n\nCorrect the setting marked in the form, then estimate again.").arg(problem_));
    return false;
  }
  const auto json = runConfig();
  auto config = parseTrainingConfig(json, kSource, baseFolder().toStdString());
  job_ = new JobRunner(std::make_unique<DryRunEstimateJob>(std::move(config)), this);
  connect(job_, &JobRunner::progressChanged, this, [this] {
    if (job_) estimateView_->showMessage(tr("Estimating: %1").arg(job_->progress().text));
  });
  connect(job_, &JobRunner::finished, this, &SetupPanel::onEstimateFinished);
  estimatedConfig_ = json;
  estimateView_->showMessage(tr("Estimating…"));
  job_->start();
  updateActions();
  emit jobStarted(job_);
  return true;
}

void SetupPanel::onEstimateFinished() {
  auto* runner = job_;
  job_ = nullptr;
  const auto& result = static_cast<const DryRunEstimateJob&>(runner->job()).result();
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    estimateView_->showMessage(tr("The estimate failed: %1").arg(runner->errorText()));
    emit failed(tr("Estimate"), tr("%1\n\nCheck the model folder and the data file named here, "
                                   "then estimate again.")
                                    .arg(runner->errorText()));
  } else if (runner->outcome() == JobRunner::Outcome::Canceled || !result.completed) {
    estimateView_->showMessage(tr("The estimate was canceled."));
  } else {
    lastEstimate_ = std::make_unique<DryRunEstimate>(result);
    estimateView_->showEstimate(result);
    estimateView_->setStale(runConfig() != estimatedConfig_);
  }
  runner->deleteLater();
  updateActions();
  emit estimateFinished();
}

bool SetupPanel::useForTraining() {
  touched_ = true;
  validate();
  if (!problem_.isEmpty()) {
    emit failed(tr("Use for Training"),
                tr("%1\n\nCorrect the setting marked in the form, then choose Use for Training "
                   "again.")
                    .arg(problem_));
    return false;
  }
  emit useForTrainingRequested(runConfig());
  return true;
}

}  // namespace tunebench::ui
