#include "model/ModelPanel.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "demo/StarterModelJob.h"
#include "jobs/JobRunner.h"
#include "model/ModelDescriptionView.h"
#include "model/ModelJobs.h"
#include "model/StarterModelDialog.h"
#include "project/ProjectSession.h"

namespace tunebench::ui {

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("modelPanel"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("<h2>Model</h2>"), this));
  auto* intro = new QLabel(tr("Open a Hugging Face model folder (config.json, safetensors weights "
                              "and a tokenizer), use the built-in starter model (pretrained here, "
                              "no download), or create a random-initialised model for tests."),
                           this);
  intro->setWordWrap(true);
  layout->addWidget(intro);

  openAction_ = new QAction(tr("&Open Model Folder…"), this);
  openAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  createAction_ = new QAction(tr("&Create Random Model…"), this);
  createAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
  connect(openAction_, &QAction::triggered, this, &ModelPanel::chooseModelFolder);
  connect(createAction_, &QAction::triggered, this, &ModelPanel::chooseStarterModel);
  starterAction_ = new QAction(tr("Use the &Built-in Starter Model"), this);
  starterAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
  connect(starterAction_, &QAction::triggered, this, [this] { useBuiltInStarter(); });

  auto* buttons = new QHBoxLayout;
  openButton_ = new QPushButton(tr("&Open Model Folder…"), this);
  openButton_->setObjectName(QStringLiteral("openModelButton"));
  openButton_->setToolTip(tr("Ctrl+Shift+O"));
  starterButton_ = new QPushButton(tr("Use the &Built-in Starter Model"), this);
  starterButton_->setObjectName(QStringLiteral("starterModelButton"));
  starterButton_->setToolTip(
      tr("Ctrl+Shift+B: a 1.9 M-parameter Llama pretrained here on text "
         "Tunebench writes (built once, a few minutes)"));
  connect(starterButton_, &QPushButton::clicked, starterAction_, &QAction::trigger);
  createButton_ = new QPushButton(tr("&Create Random Model…"), this);
  createButton_->setObjectName(QStringLiteral("createModelButton"));
  createButton_->setToolTip(tr("Ctrl+Shift+M"));
  connect(openButton_, &QPushButton::clicked, openAction_, &QAction::trigger);
  connect(createButton_, &QPushButton::clicked, createAction_, &QAction::trigger);
  buttons->addWidget(openButton_);
  buttons->addWidget(starterButton_);
  buttons->addWidget(createButton_);
  buttons->addStretch(1);
  layout->addLayout(buttons);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("modelStatus"));
  status_->setTextFormat(Qt::PlainText);
  status_->setWordWrap(true);
  layout->addWidget(status_);

  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  view_ = new ModelDescriptionView(scroll);
  scroll->setWidget(view_);
  layout->addWidget(scroll, 1);
  clear();
}

QString ModelPanel::statusText() const {
  return status_->text();
}

void ModelPanel::setStatus(const QString& text) {
  status_->setText(text);
}

void ModelPanel::setBusy(bool busy) {
  for (auto* action : {openAction_, createAction_, starterAction_}) action->setEnabled(!busy);
  openButton_->setEnabled(!busy);
  createButton_->setEnabled(!busy);
  starterButton_->setEnabled(!busy);
}

void ModelPanel::clear() {
  ++generation_;
  if (job_) job_->cancel();
  job_ = nullptr;
  shown_.reset();
  view_->clear();
  view_->setVisible(false);
  setBusy(false);
  setStatus(tr("No model chosen yet for this project."));
  emit stateChanged();
}

void ModelPanel::chooseModelFolder() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Open Model Folder"), projectFolder_.isEmpty() ? QDir::homePath() : projectFolder_);
  if (!folder.isEmpty()) openModelFolder(folder);
}

void ModelPanel::chooseStarterModel() {
  const QDir base(QDir(projectFolder_.isEmpty() ? QDir::homePath() : projectFolder_)
                      .filePath(QStringLiteral("models")));
  QString suggested = base.filePath(QStringLiteral("starter"));
  for (int n = 2; QFileInfo::exists(suggested); ++n)
    suggested = base.filePath(QStringLiteral("starter-%1").arg(n));
  StarterModelDialog dialog(suggested, this);
  if (dialog.exec() == QDialog::Accepted)
    createStarterModel(dialog.architecture(), dialog.preset(), dialog.folder());
}

namespace {

QString absoluteClean(const QString& folder) {
  return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

}  // namespace

void ModelPanel::openModelFolder(const QString& folder) {
  setStatus(tr("Checking %1…").arg(QDir::toNativeSeparators(folder)));
  startJob(
      std::make_unique<DescribeModelJob>(absoluteClean(folder).toStdString(),
                                         DescribeOptions{true}),
      [](Job& job) { return &static_cast<DescribeModelJob&>(job).result(); }, true);
}

void ModelPanel::createStarterModel(const QString& architecture, const QString& preset,
                                    const QString& folder) {
  MakeModelOptions options;
  options.architecture = architecture.toStdString();
  options.preset = preset.toStdString();
  options.folder = absoluteClean(folder).toStdString();
  setStatus(tr("Creating a %1 %2 model in %3…")
                .arg(architecture, preset, QDir::toNativeSeparators(folder)));
  startJob(
      std::make_unique<MakeModelJob>(options),
      [](Job& job) -> const ModelDescription* {
        auto& make = static_cast<MakeModelJob&>(job);
        return make.completed() ? &make.result() : nullptr;
      },
      true);
}

void ModelPanel::useBuiltInStarter(const QString& folder) {
  setStatus(tr("Preparing the built-in starter model (pretraining it first when it is missing)…"));
  startJob(
      std::make_unique<StarterModelJob>(folder.isEmpty() ? std::string()
                                                         : absoluteClean(folder).toStdString()),
      [](Job& job) -> const ModelDescription* {
        auto& starter = static_cast<StarterModelJob&>(job);
        return starter.completed() ? &starter.result() : nullptr;
      },
      true);
}

void ModelPanel::showRegisteredModel(const RegisteredModel* model) {
  clear();
  projectModelUnusable_ = false;
  if (!model) return;
  if (!model->folderExists) {
    projectModelUnusable_ = true;
    ModelDescription missing;
    missing.folder = model->folder.toStdString();
    missing.problems.push_back(model->folder.toStdString() +
                               " no longer exists: move the folder back, or open or create "
                               "another model");
    shown_ = missing;
    view_->showDescription(missing);
    view_->setVisible(true);
    setStatus(tr("The project's model %1 is missing.").arg(model->name));
    emit descriptionShown();
    emit stateChanged();
    return;
  }
  setStatus(tr("Checking the project's model %1…").arg(model->name));
  // Already registered with its fingerprint: describing is enough, no weight bytes are read.
  startJob(
      std::make_unique<DescribeModelJob>(model->folder.toStdString(), DescribeOptions{false}),
      [](Job& job) { return &static_cast<DescribeModelJob&>(job).result(); }, false);
}

void ModelPanel::startJob(std::unique_ptr<Job> job, ResultOf resultOf, bool offerToProject) {
  ++generation_;
  if (job_) job_->cancel();  // a superseded job's result is ignored
  auto* runner = new JobRunner(std::move(job), this);
  job_ = runner;
  setBusy(true);
  const int generation = generation_;
  connect(runner, &JobRunner::finished, this,
          [this, runner, generation, resultOf = std::move(resultOf), offerToProject] {
            runner->deleteLater();
            if (generation != generation_) return;
            job_ = nullptr;
            setBusy(false);
            switch (runner->outcome()) {
              case JobRunner::Outcome::Canceled:
                setStatus(tr("Canceled: %1.").arg(runner->name()));
                return;
              case JobRunner::Outcome::Failed:
                setStatus(tr("Failed: %1").arg(runner->errorText()));
                emit jobFailed(runner->name(), runner->errorText());
                return;
              default:
                break;
            }
            const ModelDescription* result = resultOf(runner->job());
            if (!result) {
              setStatus(tr("Canceled: %1.").arg(runner->name()));
              return;
            }
            shown_ = *result;
            // Only the description of the project's own model says how the stage stands.
            if (!offerToProject) projectModelUnusable_ = !result->usable();
            view_->showDescription(*result);
            view_->setVisible(true);
            if (!result->usable()) {
              setStatus(tr("This model folder has problems; see the list below."));
            } else if (offerToProject) {
              setStatus(tr("Model ready: %1.")
                            .arg(QDir::toNativeSeparators(QString::fromStdString(result->folder))));
              emit modelChosen(QString::fromStdString(result->folder),
                               QString::fromStdString(result->config->architecture),
                               QString::fromStdString(result->sha256));
            } else {
              setStatus(tr("The project's model."));
            }
            emit descriptionShown();
            emit stateChanged();
          });
  emit jobStarted(runner);
  runner->start();
}

}  // namespace tunebench::ui
