#include "MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <algorithm>

#include "AboutDialog.h"
#include "NoProjectPanel.h"
#include "Stage.h"
#include "data/DataPanel.h"
#include "eval/EvaluatePanel.h"
#include "eval/GenerationComparison.h"
#include "export/ExportPanel.h"
#include "jobs/JobRunner.h"
#include "jobs/JobsArea.h"
#include "model/ModelPanel.h"
#include "monitor/MonitorPanel.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "runs/RunsPanel.h"
#include "setup/SetupPanel.h"
#include "train/TrainConfigForm.h"
#include "train/TrainPanel.h"

namespace tunebench::ui {

MainWindow::MainWindow(const PluginRegistry& plugins, QWidget* parent)
    : QMainWindow(parent), plugins_(plugins), session_(new ProjectSession(this)) {
  setWindowTitle(tr("Tunebench"));
  auto* splitter = new QSplitter(this);
  splitter->setObjectName(QStringLiteral("mainSplitter"));
  navigator_ = new QListWidget(splitter);
  navigator_->setObjectName(QStringLiteral("stageNavigator"));
  navigator_->setAccessibleName(tr("Stages"));
  workArea_ = new QStackedWidget(splitter);
  workArea_->setObjectName(QStringLiteral("workArea"));
  noProject_ = new NoProjectPanel(workArea_);
  panels_ = new QStackedWidget(workArea_);
  panels_->setObjectName(QStringLiteral("stagePanels"));
  workArea_->addWidget(noProject_);
  workArea_->addWidget(panels_);

  dataPanel_ = new DataPanel(plugins_, panels_);
  modelPanel_ = new ModelPanel(panels_);
  setupPanel_ = new SetupPanel(panels_);
  // The Train stage: the run being trained, and the project's runs to compare.
  trainStage_ = new QTabWidget(panels_);
  trainStage_->setObjectName(QStringLiteral("trainStage"));
  trainPanel_ = new TrainPanel(trainStage_);
  runsPanel_ = new RunsPanel(trainStage_);
  trainStage_->addTab(trainPanel_, tr("&Current Run"));
  trainStage_->addTab(runsPanel_, tr("&Runs"));
  evaluatePanel_ = new EvaluatePanel(plugins_, panels_);
  exportPanel_ = new ExportPanel(plugins_, panels_);
  monitorPanel_ = new MonitorPanel(panels_);
  int index = 0;
  for (const auto& stage : allStages()) {
    auto* item = new QListWidgetItem(tr("%1. %2").arg(index + 1).arg(stage.title), navigator_);
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(stage.summary).arg(index + 1));
    panels_->addWidget(panelOf(stage.stage));
    ++index;
  }
  // The navigator keeps the width its titles need (with their state icons); the panels give way.
  int titleWidth = 0;
  for (int row = 0; row < navigator_->count(); ++row)
    titleWidth = std::max(
        titleWidth, navigator_->fontMetrics().horizontalAdvance(navigator_->item(row)->text()));
  const int iconWidth = style()->pixelMetric(QStyle::PM_ListViewIconSize);
  navigator_->setMinimumWidth(titleWidth + iconWidth + 4 * navigator_->spacing() +
                              2 * navigator_->frameWidth() + 24);
  navigator_->setMaximumWidth(std::max(navigator_->minimumWidth(), 240));
  navigator_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  navigator_->setTextElideMode(Qt::ElideNone);
  splitter->setCollapsible(0, false);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  setCentralWidget(splitter);
  connect(navigator_, &QListWidget::currentRowChanged, this, &MainWindow::showStage);
  navigator_->setCurrentRow(0);

  jobsArea_ = new JobsArea(this);
  readOnlyNotice_ = new QLabel(this);
  readOnlyNotice_->setObjectName(QStringLiteral("readOnlyNotice"));
  readOnlyNotice_->setVisible(false);
  statusBar()->addPermanentWidget(readOnlyNotice_);
  statusBar()->addPermanentWidget(jobsArea_);

  buildMenus();
  connectSession();
  connectModelPanel();
  restoreLayout();
  projectChanged();

  if (!plugins_.failures().empty()) {
    statusBar()->showMessage(tr("%n plugin(s) could not be loaded — see Help ▸ Plugins", nullptr,
                                static_cast<int>(plugins_.failures().size())));
  } else {
    statusBar()->showMessage(tr("Ready"));
  }
}

MainWindow::~MainWindow() {
  // Jobs reference the model panel; let them end before the widgets go.
  modelPanel_->clear();
}

QWidget* MainWindow::panelOf(Stage stage) const {
  switch (stage) {
    case Stage::Data:
      return dataPanel_;
    case Stage::Model:
      return modelPanel_;
    case Stage::Setup:
      return setupPanel_;
    case Stage::Train:
      return trainStage_;
    case Stage::Evaluate:
      return evaluatePanel_;
    case Stage::Export:
      return exportPanel_;
    case Stage::Monitor:
      return monitorPanel_;
  }
  return nullptr;
}

QWidget* MainWindow::currentPage() const {
  return workArea_->currentWidget() == panels_ ? panels_->currentWidget()
                                               : workArea_->currentWidget();
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  buildProjectMenu(file);
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* view = menuBar()->addMenu(tr("&Stage"));
  int index = 0;
  for (const auto& stage : allStages()) {
    auto* action = view->addAction(stage.title, this, [this, index] { showStage(index); });
    action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    ++index;
  }

  connectDataPanel(menuBar()->addMenu(tr("&Data")));

  auto* model = menuBar()->addMenu(tr("&Model"));
  model->addAction(modelPanel_->openAction());
  model->addAction(modelPanel_->starterAction());
  model->addAction(modelPanel_->createAction());
  // Menu actions with shortcuts work wherever the focus is in the window.
  addAction(modelPanel_->openAction());
  addAction(modelPanel_->createAction());
  addAction(modelPanel_->starterAction());

  connectSetupPanel(menuBar()->addMenu(tr("Set&up")));
  connectTrainPanel(menuBar()->addMenu(tr("&Train")));
  connectEvaluatePanel(menuBar()->addMenu(tr("E&valuate")));
  connectExportAndMonitor(menuBar()->addMenu(tr("E&xport")));

  auto* jobs = menuBar()->addMenu(tr("&Jobs"));
  cancelJobAction_ = jobs->addAction(tr("&Cancel Running Job"), jobsArea_, &JobsArea::cancelShown);
  cancelJobAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  cancelJobAction_->setEnabled(false);

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Open the &Demo Project"), this, [this] { openDemo(defaultDemoFolder()); });
  help->addAction(tr("&Plugins…"), this, &MainWindow::showPluginReport);
  help->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);
}

void MainWindow::connectModelPanel() {
  connect(modelPanel_, &ModelPanel::jobStarted, this, &MainWindow::trackJob);
  connect(modelPanel_, &ModelPanel::stateChanged, this, &MainWindow::updateStageStates);
  connect(modelPanel_, &ModelPanel::jobFailed, this,
          [this](const QString& what, const QString& why) { showError(what, why); });
  connect(modelPanel_, &ModelPanel::modelChosen, this,
          [this](const QString& folder, const QString& architecture, const QString& sha256) {
            if (!session_->isOpen()) return;
            if (session_->snapshot().readOnly) {
              statusBar()->showMessage(
                  tr("The project is read-only: the model is shown but not registered."));
              return;
            }
            shownModelFolder_ = folder;
            session_->registerModel(folder, architecture, sha256);
          });
}

void MainWindow::connectDataPanel(QMenu* menu) {
  menu->addAction(dataPanel_->importAction());
  addAction(dataPanel_->importAction());
  connect(dataPanel_, &DataPanel::jobStarted, this, &MainWindow::trackJob);
  connect(dataPanel_, &DataPanel::failed, this, &MainWindow::showError);
  connect(dataPanel_, &DataPanel::catalogRead, this, &MainWindow::updateStageStates);
}

void MainWindow::trackJob(JobRunner* runner) {
  jobsArea_->track(runner);
  cancelJobAction_->setEnabled(true);
  connect(runner, &JobRunner::finished, this,
          [this] { cancelJobAction_->setEnabled(jobsArea_->runningCount() > 0); });
}

StageState MainWindow::stageState(Stage stage) const {
  if (!session_->isOpen()) return StageState::NotYet;
  if (stage == Stage::Data) return dataPanel_->stageState();
  if (stage == Stage::Model) {
    const auto* model = session_->snapshot().currentModel();
    if (!model) return StageState::NotYet;
    if (!model->folderExists || modelPanel_->needsAttention()) return StageState::NeedsAttention;
    return StageState::Done;
  }
  if (stage == Stage::Setup) {
    switch (setupPanel_->configState()) {
      case SetupPanel::ConfigState::Valid:
        return StageState::Done;
      case SetupPanel::ConfigState::Invalid:
        return StageState::NeedsAttention;
      case SetupPanel::ConfigState::Untouched:
        break;
    }
  }
  if (stage == Stage::Export)
    return exportPanel_->hasExports() ? StageState::Done : StageState::NotYet;
  if (stage == Stage::Monitor) {
    if (monitorPanel_->needsAttention()) return StageState::NeedsAttention;
    return monitorPanel_->hasEvaluatedVersions() ? StageState::Done : StageState::NotYet;
  }
  return StageState::NotYet;
}

void MainWindow::updateStageStates() {
  const auto* style = QApplication::style();
  for (int i = 0; i < navigator_->count(); ++i) {
    const auto& stage = allStages()[static_cast<size_t>(i)];
    const StageState state = stageState(stage.stage);
    auto* item = navigator_->item(i);
    item->setData(Qt::UserRole, static_cast<int>(state));
    const QString stateText = stageStateText(state);
    item->setData(Qt::AccessibleDescriptionRole, stateText);
    item->setToolTip(
        tr("%1: %2. %3 (Ctrl+%4)").arg(stage.title, stateText, stage.summary).arg(i + 1));
    switch (state) {
      case StageState::Done:
        item->setIcon(style->standardIcon(QStyle::SP_DialogApplyButton));
        break;
      case StageState::NeedsAttention:
        item->setIcon(style->standardIcon(QStyle::SP_MessageBoxWarning));
        break;
      case StageState::NotYet: {
        // A blank icon keeps the titles aligned with those that have one.
        QPixmap blank(style->pixelMetric(QStyle::PM_ListViewIconSize),
                      style->pixelMetric(QStyle::PM_ListViewIconSize));
        blank.fill(Qt::transparent);
        item->setIcon(QIcon(blank));
        break;
      }
    }
  }
}

void MainWindow::showStage(int index) {
  if (index < 0 || index >= panels_->count()) return;
  panels_->setCurrentIndex(index);
  if (navigator_->currentRow() != index) navigator_->setCurrentRow(index);
}

void MainWindow::showError(const QString& title, const QString& message) {
  lastError_ = message;
  statusBar()->showMessage(title + QStringLiteral(": ") + message, 10000);
  // Window-modal but not blocking: jobs and the event loop go on while it is shown.
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->open();
}

void MainWindow::showAbout() {
  auto* dialog = new AboutDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

void MainWindow::showPluginReport() {
  QString text = tr("<b>Loaded plugins</b><ul>");
  for (const auto& plugin : plugins_.plugins()) {
    text += QStringLiteral("<li>%1 [%2]<ul>")
                .arg(QString::fromStdString(plugin.name).toHtmlEscaped(),
                     QString::fromStdString(plugin.source).toHtmlEscaped());
    for (const auto& contribution : plugin.contributions)
      text +=
          QStringLiteral("<li>%1</li>").arg(QString::fromStdString(contribution).toHtmlEscaped());
    text += QStringLiteral("</ul></li>");
  }
  text += QStringLiteral("</ul>");
  if (!plugins_.failures().empty()) {
    text += tr("<b>Could not be loaded</b><ul>");
    for (const auto& failure : plugins_.failures())
      text += QStringLiteral("<li>%1: %2</li>")
                  .arg(QString::fromStdString(failure.source).toHtmlEscaped(),
                       QString::fromStdString(failure.problem).toHtmlEscaped());
    text += QStringLiteral("</ul>");
  }
  QMessageBox::information(this, tr("Plugins"), text);
}

void MainWindow::restoreLayout() {
  QSettings settings;
  if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
    resize(1100, 720);
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
  if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
    splitter->restoreState(settings.value(QStringLiteral("mainWindow/splitter")).toByteArray());
  showStage(settings.value(QStringLiteral("mainWindow/stage"), 0).toInt());
}

void MainWindow::connectSetupPanel(QMenu* menu) {
  for (auto* action : {setupPanel_->openAction(), setupPanel_->saveAction(),
                       setupPanel_->estimateAction(), setupPanel_->useForTrainingAction()}) {
    menu->addAction(action);
    addAction(action);
  }
  connect(setupPanel_, &SetupPanel::jobStarted, this, &MainWindow::trackJob);
  connect(setupPanel_, &SetupPanel::stateChanged, this, &MainWindow::updateStageStates);
  connect(setupPanel_, &SetupPanel::failed, this, &MainWindow::showError);
  connect(setupPanel_, &SetupPanel::configSaved, this, [this](const QString& file) {
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 8000);
  });
  connect(trainPanel_->form(), &TrainConfigForm::editInSetupRequested, this,
          [this] { showStage(static_cast<int>(Stage::Setup)); });
  connect(setupPanel_, &SetupPanel::useForTrainingRequested, this,
          [this](const nlohmann::json& config) {
            trainPanel_->form()->load(config);
            const int train = static_cast<int>(Stage::Train);
            if (auto* tabs = qobject_cast<QTabWidget*>(panels_->widget(train)))
              tabs->setCurrentWidget(trainPanel_);
            showStage(train);
            statusBar()->showMessage(tr("The Setup configuration is in the Train form; start "
                                        "training with Ctrl+R."),
                                     8000);
          });
}

void MainWindow::connectTrainPanel(QMenu* menu) {
  for (auto* action :
       {trainPanel_->openConfigAction(), trainPanel_->startAction(), trainPanel_->pauseAction(),
        trainPanel_->resumeAction(), trainPanel_->stopAction()}) {
    menu->addAction(action);
    addAction(action);
  }
  connect(trainPanel_, &TrainPanel::jobStarted, this, &MainWindow::trackJob);
  connect(trainPanel_, &TrainPanel::trainingEnded, this, [this] {
    runsPanel_->refresh();
    evaluatePanel_->refresh();
    exportPanel_->refresh();
    if (closeAfterTraining_) close();
  });
}

void MainWindow::connectEvaluatePanel(QMenu* menu) {
  menu->addAction(evaluatePanel_->evaluateAction());
  addAction(evaluatePanel_->evaluateAction());
  // Side-by-side generation: Ctrl+G from anywhere brings the Evaluate stage forward.
  auto* generate = evaluatePanel_->comparison()->generateAction();
  menu->addAction(generate);
  addAction(generate);
  connect(generate, &QAction::triggered, this, [this] {
    const auto& stages = allStages();
    for (size_t i = 0; i < stages.size(); ++i)
      if (stages[i].stage == Stage::Evaluate) navigator_->setCurrentRow(static_cast<int>(i));
  });
  connect(evaluatePanel_, &EvaluatePanel::jobStarted, this, &MainWindow::trackJob);
  connect(evaluatePanel_, &EvaluatePanel::failed, this, &MainWindow::showError);
  // A new evaluation may change how the exported versions compare.
  connect(evaluatePanel_, &EvaluatePanel::evaluationFinished, monitorPanel_,
          &MonitorPanel::refresh);
}

void MainWindow::connectExportAndMonitor(QMenu* menu) {
  menu->addAction(exportPanel_->exportAction());
  menu->addAction(exportPanel_->openFolderAction());
  menu->addSeparator();
  menu->addAction(monitorPanel_->refreshAction());
  addAction(exportPanel_->exportAction());
  connect(exportPanel_, &ExportPanel::jobStarted, this, &MainWindow::trackJob);
  connect(exportPanel_, &ExportPanel::failed, this, &MainWindow::showError);
  connect(exportPanel_, &ExportPanel::exportFinished, monitorPanel_, &MonitorPanel::refresh);
  connect(exportPanel_, &ExportPanel::overviewRead, this, &MainWindow::updateStageStates);
  connect(monitorPanel_, &MonitorPanel::historyRead, this, &MainWindow::updateStageStates);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (trainPanel_->isTraining()) {
    // Never quit in the middle of a step: stop with a checkpoint, then close when the job ends.
    if (!closeAfterTraining_) {
      if (!trainPanel_->confirmStopOnClose(this)) {
        event->ignore();
        return;
      }
      closeAfterTraining_ = true;
      trainPanel_->stop();
      statusBar()->showMessage(tr("Stopping training with a checkpoint before closing…"));
    }
    event->ignore();
    return;
  }
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
    settings.setValue(QStringLiteral("mainWindow/splitter"), splitter->saveState());
  settings.setValue(QStringLiteral("mainWindow/stage"), panels_->currentIndex());
  event->accept();
}

}  // namespace tunebench::ui
