// MainWindow's project handling: the File menu's project actions, recent projects, and keeping
// the window (title, panels, navigator states) in step with the open project.
#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QStackedWidget>
#include <QStatusBar>

#include "MainWindow.h"
#include "NoProjectPanel.h"
#include "data/DataPanel.h"
#include "eval/EvaluatePanel.h"
#include "export/ExportPanel.h"
#include "model/ModelPanel.h"
#include "monitor/MonitorPanel.h"
#include "project/ProjectSession.h"
#include "project/RecentProjects.h"
#include "runs/RunsPanel.h"
#include "setup/SetupPanel.h"
#include "store/ProjectStore.h"
#include "train/TrainPanel.h"

namespace tunebench::ui {

namespace {

const QString kProjectFilter = QObject::tr("Tunebench projects (*.tbproj)");

QString withProjectExtension(const QString& file) {
  const QString extension = QString::fromLatin1(store::kProjectExtension);
  return file.endsWith(extension) ? file : file + extension;
}

QString lastFolder() {
  const auto recent = RecentProjects().files();
  return recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.front()).path();
}

}  // namespace

void MainWindow::buildProjectMenu(QMenu* file) {
  auto* create = file->addAction(tr("&New Project…"), this, &MainWindow::newProject);
  create->setShortcut(QKeySequence::New);
  auto* open = file->addAction(tr("&Open Project…"), this, &MainWindow::openProject);
  open->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  file->addSeparator();
  saveAsAction_ = file->addAction(tr("Save Project &As…"), this, &MainWindow::saveProjectAs);
  saveAsAction_->setShortcut(QKeySequence::SaveAs);
  closeAction_ = file->addAction(tr("&Close Project"), this, &MainWindow::closeProject);
  closeAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));

  connect(noProject_, &NoProjectPanel::newRequested, this, &MainWindow::newProject);
  connect(noProject_, &NoProjectPanel::openRequested, this, &MainWindow::openProject);
  connect(noProject_, &NoProjectPanel::recentRequested, this, &MainWindow::openRecent);
  rebuildRecentMenu();
}

void MainWindow::connectSession() {
  connect(session_, &ProjectSession::opened, this, [this](const QString& file) {
    RecentProjects().add(file);
    rebuildRecentMenu();
    const auto& snapshot = session_->snapshot();
    QString message = tr("Opened %1").arg(QDir::toNativeSeparators(file));
    if (snapshot.recoveredRuns > 0)
      message += tr("; %n run(s) that stopped unexpectedly were marked interrupted", nullptr,
                    snapshot.recoveredRuns);
    statusBar()->showMessage(message, 8000);
  });
  connect(session_, &ProjectSession::changed, this, &MainWindow::projectChanged);
  connect(session_, &ProjectSession::closed, this, &MainWindow::projectChanged);
  connect(session_, &ProjectSession::failed, this, &MainWindow::showError);
}

void MainWindow::projectChanged() {
  const bool open = session_->isOpen();
  const auto& snapshot = session_->snapshot();
  closeAction_->setEnabled(open);
  saveAsAction_->setEnabled(open);
  if (!open) {
    setWindowTitle(tr("Tunebench"));
    readOnlyNotice_->setVisible(false);
    workArea_->setCurrentWidget(noProject_);
    noProject_->setRecentProjects(RecentProjects().files());
    shownModelFolder_.clear();
    modelPanel_->clear();
    trainPanel_->stop();
    trainPanel_->setProject({}, {}, false);
    setupPanel_->setProject({}, {});
    runsPanel_->setProject({});
    evaluatePanel_->setProject({}, false);
    dataPanel_->setProject({}, false);
    dataPanel_->setModelFolder({});
    exportPanel_->setProject({}, false);
    monitorPanel_->setProject({});
    evaluatePanel_->setProjectModel({});
    updateStageStates();
    return;
  }
  const QString name = QFileInfo(snapshot.file).fileName();
  setWindowTitle(snapshot.readOnly ? tr("%1 (read-only) — Tunebench").arg(name)
                                   : tr("%1 — Tunebench").arg(name));
  readOnlyNotice_->setText(tr("Read-only: %1").arg(snapshot.readOnlyReason));
  readOnlyNotice_->setToolTip(snapshot.readOnlyReason);
  readOnlyNotice_->setVisible(snapshot.readOnly);
  workArea_->setCurrentWidget(panels_);
  modelPanel_->setProjectFolder(QFileInfo(snapshot.file).path());
  trainPanel_->setProject(snapshot.file,
                          snapshot.currentModel() ? snapshot.currentModel()->folder : QString(),
                          snapshot.readOnly);
  runsPanel_->setProject(snapshot.file);
  evaluatePanel_->setProject(snapshot.file, snapshot.readOnly);
  dataPanel_->setProject(snapshot.file, snapshot.readOnly);
  dataPanel_->setModelFolder(snapshot.currentModel() ? snapshot.currentModel()->folder : QString());
  setupPanel_->setProject(snapshot.file,
                          snapshot.currentModel() ? snapshot.currentModel()->folder : QString());
  exportPanel_->setProject(snapshot.file, snapshot.readOnly);
  monitorPanel_->setProject(snapshot.file);
  evaluatePanel_->setProjectModel(snapshot.currentModel() ? snapshot.currentModel()->folder
                                                          : QString());
  // Describe the project's model when it differs from what the panel shows (a project was opened
  // or another model registered elsewhere).
  const auto* model = snapshot.currentModel();
  const QString folder = model ? model->folder : QString();
  if (folder != shownModelFolder_) {
    shownModelFolder_ = folder;
    modelPanel_->showRegisteredModel(model);
  }
  updateStageStates();
}

void MainWindow::rebuildRecentMenu() {
  RecentProjects recent;
  const QStringList missing = recent.pruneMissing();
  if (!missing.isEmpty()) {
    QStringList names;
    for (const auto& file : missing) names << QDir::toNativeSeparators(file);
    statusBar()->showMessage(
        tr("Removed from Open Recent because the file is gone: %1").arg(names.join(", ")), 10000);
  }
  recentMenu_->clear();
  const QStringList files = recent.files();
  int number = 1;
  for (const auto& file : files) {
    auto* action =
        recentMenu_->addAction(tr("&%1 %2").arg(number++).arg(QFileInfo(file).fileName()), this,
                               [this, file] { openRecent(file); });
    action->setToolTip(QDir::toNativeSeparators(file));
    action->setStatusTip(QDir::toNativeSeparators(file));
  }
  if (files.isEmpty()) {
    recentMenu_->addAction(tr("No recent projects"))->setEnabled(false);
  } else {
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("&Clear Menu"), this, [this] {
      for (const auto& file : RecentProjects().files()) RecentProjects().remove(file);
      rebuildRecentMenu();
    });
  }
  if (!session_->isOpen()) noProject_->setRecentProjects(files);
}

void MainWindow::newProject() {
  QFileDialog dialog(this, tr("New Project"), lastFolder(), kProjectFilter);
  dialog.setAcceptMode(QFileDialog::AcceptSave);
  dialog.setDefaultSuffix(QStringLiteral("tbproj"));
  // The store refuses to overwrite; a clear error beats a question that could destroy a project.
  dialog.setOption(QFileDialog::DontConfirmOverwrite);
  if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
    newProjectAt(dialog.selectedFiles().front());
}

void MainWindow::openProject() {
  const QString file =
      QFileDialog::getOpenFileName(this, tr("Open Project"), lastFolder(),
                                   kProjectFilter + QStringLiteral(";;") + tr("All files (*)"));
  if (!file.isEmpty()) openProjectAt(file);
}

void MainWindow::saveProjectAs() {
  if (!session_->isOpen()) return;
  QFileDialog dialog(this, tr("Save Project As"), QFileInfo(session_->snapshot().file).path(),
                     kProjectFilter);
  dialog.setAcceptMode(QFileDialog::AcceptSave);
  dialog.setDefaultSuffix(QStringLiteral("tbproj"));
  if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
    saveProjectAsAt(dialog.selectedFiles().front());
}

void MainWindow::closeProject() {
  if (session_->isOpen()) session_->close();
}

void MainWindow::newProjectAt(const QString& file) {
  session_->create(withProjectExtension(QFileInfo(file).absoluteFilePath()));
}

void MainWindow::openProjectAt(const QString& file) {
  session_->open(QFileInfo(file).absoluteFilePath());
}

void MainWindow::saveProjectAsAt(const QString& file) {
  session_->saveAs(withProjectExtension(QFileInfo(file).absoluteFilePath()));
}

void MainWindow::openRecent(const QString& file) {
  if (!QFileInfo::exists(file)) {
    RecentProjects().remove(file);
    rebuildRecentMenu();
    showError(tr("Open Recent"),
              tr("%1 no longer exists, so it was removed from the recent projects.\n\nIf you "
                 "moved it, open it from its new place with File ▸ Open Project.")
                  .arg(QDir::toNativeSeparators(file)));
    return;
  }
  openProjectAt(file);
}

}  // namespace tunebench::ui
