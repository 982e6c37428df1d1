#pragma once
// The Data stage: the project's datasets and their versions on the left; on the right, tabs over
// the chosen version: its rows (read page by page, so a million rows scroll smoothly), the
// cleaning recipe editor, the profile charts and the split and balance settings. Importing runs
// through the import wizard (Ctrl+I). Other views of a version plug in as further tabs through
// tabs(), currentDatasetId(), currentVersion() and versionChosen(); they call refresh() after
// storing a version.
#include <QWidget>
#include <functional>
#include <memory>

#include "Stage.h"
#include "common/BackgroundTask.h"
#include "data/DatasetCatalog.h"
#include "eval/ProjectRead.h"

class QAction;
class QLabel;
class QTabWidget;
class QTableView;

namespace tunebench {
class Job;
class PluginRegistry;
}  // namespace tunebench

namespace tunebench::ui {

class CleaningRecipeEditor;
class DatasetProfileView;
class DatasetRowsModel;
class DatasetVersionsView;
class ImportWizard;
class JobRunner;
class SplitBalancePanel;
class RejectsView;

class DataPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DataPanel(const PluginRegistry& plugins, QWidget* parent = nullptr);
  ~DataPanel() override;

  // The open project (empty: none). A read-only project is shown; importing and splitting are
  // off.
  void setProject(const QString& projectFile, bool readOnly);
  QString projectFile() const { return projectFile_; }

  QTabWidget* tabs() const { return tabs_; }
  qint64 currentDatasetId() const { return datasetId_; }
  int currentVersion() const { return static_cast<int>(versionNumber_); }
  qint64 currentVersionId() const;
  // Selects a version once the catalog holds it (now, or after the next read).
  void selectVersion(qint64 datasetId, qint64 number);

  const DatasetCatalog& catalog() const { return catalog_; }
  bool isCatalogRead() const { return catalogRead_; }
  StageState stageState() const;

  QAction* importAction() const { return importAction_; }
  // Opens the import wizard (window-modal, deleted on close) and returns it.
  ImportWizard* openImportWizard();
  DatasetVersionsView* versionsView() const { return versions_; }
  DatasetRowsModel* rowsModel() const { return rows_; }
  QTableView* rowsView() const { return rowsView_; }
  SplitBalancePanel* splitPanel() const { return split_; }
  CleaningRecipeEditor* cleaningEditor() const { return cleaner_; }
  DatasetProfileView* profileView() const { return profile_; }
  RejectsView* rejectsView() const { return rejects_; }
  // The model whose tokenizer counts tokens in the Clean and Profile tabs (empty: none).
  void setModelFolder(const QString& folder);
  QString statusText() const;

 public slots:
  // Re-reads the datasets and versions.
  void refresh();

 signals:
  void versionChosen(qint64 datasetId, int version);
  void jobStarted(tunebench::ui::JobRunner* runner);
  void failed(const QString& title, const QString& message);
  // The catalog was read again (the stage state may have changed).
  void catalogRead();

 private:
  using CatalogRead = ProjectRead<DatasetCatalog>;
  JobRunner* startJob(std::unique_ptr<Job> job);
  void showCatalog(const CatalogRead& read);
  void chooseVersion(qint64 datasetId, qint64 number);
  void showVersionSummary();
  void setStatus(const QString& text);
  void updateActions();

  const PluginRegistry& plugins_;
  QString projectFile_;
  bool readOnly_ = false;
  DatasetCatalog catalog_;
  bool catalogRead_ = false;
  qint64 datasetId_ = 0;
  qint64 versionNumber_ = 0;
  qint64 shownVersionId_ = 0;
  qint64 shownRows_ = -1;
  qint64 selectAfterRead_ = 0;
  qint64 selectNumberAfterRead_ = 0;

  QAction* importAction_;
  QLabel* status_;
  DatasetVersionsView* versions_;
  QTabWidget* tabs_;
  QLabel* versionSummary_;
  DatasetRowsModel* rows_;
  QTableView* rowsView_;
  SplitBalancePanel* split_;
  RejectsView* rejects_;
  CleaningRecipeEditor* cleaner_;
  DatasetProfileView* profile_;

  BackgroundTask<CatalogRead> catalogReads_{[this](const CatalogRead& read) { showCatalog(read); }};
  std::vector<JobRunner*> runners_;
};

}  // namespace tunebench::ui
