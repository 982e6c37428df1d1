#pragma once
#include <QMainWindow>

#include "Stage.h"

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace tunebench {
class PluginRegistry;
}

namespace tunebench::ui {

class DataPanel;
class EvaluatePanel;
class ExportPanel;
class JobRunner;
class JobsArea;
class ModelPanel;
class MonitorPanel;
class NoProjectPanel;
class ProjectSession;
class RunsPanel;
class SetupPanel;
class TrainPanel;

// The workbench window: a navigator over the seven stages and the panel of the chosen stage,
// the open project, and the jobs area in the status bar.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(const PluginRegistry& plugins, QWidget* parent = nullptr);
  ~MainWindow() override;

  QListWidget* navigator() const { return navigator_; }
  QStackedWidget* panels() const { return panels_; }
  // The no-project page or the stage panels.
  QWidget* currentPage() const;
  // The page the navigator shows for a stage (the Train stage is a tab widget: run and runs).
  QWidget* panelOf(Stage stage) const;
  ProjectSession* session() const { return session_; }
  DataPanel* dataPanel() const { return dataPanel_; }
  ModelPanel* modelPanel() const { return modelPanel_; }
  SetupPanel* setupPanel() const { return setupPanel_; }
  TrainPanel* trainPanel() const { return trainPanel_; }
  RunsPanel* runsPanel() const { return runsPanel_; }
  EvaluatePanel* evaluatePanel() const { return evaluatePanel_; }
  ExportPanel* exportPanel() const { return exportPanel_; }
  MonitorPanel* monitorPanel() const { return monitorPanel_; }
  JobsArea* jobsArea() const { return jobsArea_; }
  QMenu* recentMenu() const { return recentMenu_; }
  StageState stageState(Stage stage) const;
  // The last error shown in a dialog (also kept for the status bar).
  QString lastError() const { return lastError_; }

  // What the File menu's dialogs call once a file is chosen (tests call them directly).
  void newProjectAt(const QString& file);
  void openProjectAt(const QString& file);
  void saveProjectAsAt(const QString& file);
  // Opens a recent project; a file that is gone is removed from the list with a message.
  void openRecent(const QString& file);
  // Opens the demo project in `folder`, running the demo there first when it is not complete.
  void openDemo(const QString& folder);
  static QString defaultDemoFolder();

 public slots:
  void showStage(int index);
  void showAbout();
  void showPluginReport();
  void newProject();
  void openProject();
  void saveProjectAs();
  void closeProject();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void buildProjectMenu(QMenu* file);
  void restoreLayout();
  void connectSession();
  void connectModelPanel();
  void connectDataPanel(QMenu* menu);
  void connectSetupPanel(QMenu* menu);
  void connectTrainPanel(QMenu* menu);
  void connectEvaluatePanel(QMenu* menu);
  void connectExportAndMonitor(QMenu* menu);
  void trackJob(JobRunner* runner);
  void projectChanged();
  void rebuildRecentMenu();
  void updateStageStates();
  void showError(const QString& title, const QString& message);

  const PluginRegistry& plugins_;
  ProjectSession* session_;
  QListWidget* navigator_;
  QStackedWidget* workArea_;
  NoProjectPanel* noProject_;
  QStackedWidget* panels_;
  DataPanel* dataPanel_;
  ModelPanel* modelPanel_;
  QTabWidget* trainStage_;
  SetupPanel* setupPanel_;
  TrainPanel* trainPanel_;
  RunsPanel* runsPanel_;
  EvaluatePanel* evaluatePanel_;
  ExportPanel* exportPanel_;
  MonitorPanel* monitorPanel_;
  JobsArea* jobsArea_;
  QLabel* readOnlyNotice_;
  QMenu* recentMenu_ = nullptr;
  QAction* closeAction_ = nullptr;
  QAction* saveAsAction_ = nullptr;
  QAction* cancelJobAction_ = nullptr;
  QString lastError_;
  QString shownModelFolder_;
  bool closeAfterTraining_ = false;
};

}  // namespace tunebench::ui
