#pragma once
// The Export stage: exports one of the project's runs (its final model or a complete checkpoint)
// in one of the formats of the exporter plugins (the built-in ones: a merged Hugging Face model
// folder, the PEFT adapter; plugins/Exporter.h), into a new folder (by default
// <project folder>/exports/<run name>-<format>-<n>); the job runs on its own thread with progress
// in the status bar, records the export with its SHA-256, and the panel shows where the files
// went (Open Folder) and the project's earlier exports. The project is read on worker threads.
#include <QString>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "common/BackgroundTask.h"
#include "eval/ProjectRead.h"
#include "export/ExportListing.h"
#include "plugins/RunExportSource.h"
#include "store/RunRepository.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace tunebench {
class Exporter;
class PluginRegistry;
}  // namespace tunebench

namespace tunebench::ui {

class JobRunner;

// What the panel reads of the project at once.
struct ExportOverview {
  std::vector<store::RunRecord> runs;    // newest first
  std::vector<RunExportSource> sources;  // one per run
  std::vector<ExportListing> exports;    // oldest first
};

class ExportPanel : public QWidget {
  Q_OBJECT
 public:
  enum ExportColumn { kRun, kModel, kFormat, kFolder, kDate, kSize, kSha256, kColumnCount };

  // The formats offered are the registry's exporters, in their order.
  explicit ExportPanel(const PluginRegistry& plugins, QWidget* parent = nullptr);
  ~ExportPanel() override;

  void setProject(const QString& projectFile, bool readOnly);

  void selectRun(qint64 runId);
  qint64 selectedRun() const;
  // -1: the run's final model; otherwise a checkpoint's step.
  void selectModel(qint64 checkpointStep);
  void selectFormat(const QString& format);  // an exporter's id: "merged", "adapter", ...
  void setDestination(const QString& folder);

  // Starts the export; returns false (and says why) when it cannot start.
  bool startExport();
  bool isExporting() const { return job_ != nullptr; }
  bool hasExports() const { return !overview_.exports.empty(); }
  // Where the last export of this panel went (empty before one completed).
  QString lastExportFolder() const { return lastFolder_; }
  QString statusText() const;
  QString lastError() const { return lastError_; }

  QAction* exportAction() const { return exportAction_; }
  QAction* openFolderAction() const { return openFolderAction_; }
  QComboBox* runBox() const { return run_; }
  QComboBox* modelBox() const { return model_; }
  QComboBox* formatBox() const { return format_; }
  QLineEdit* destinationEdit() const { return destination_; }
  QTableWidget* exportsTable() const { return exports_; }
  QLabel* resultLabel() const { return result_; }
  // The folder Open Folder opens: the selected earlier export, else the last one made here.
  QString folderToOpen() const;

 public slots:
  void refresh();
  void chooseDestination();
  void openFolder();

 signals:
  void jobStarted(tunebench::ui::JobRunner* runner);
  void exportFinished();
  void failed(const QString& title, const QString& message);
  void overviewRead();

 private:
  using OverviewRead = ProjectRead<ExportOverview>;

  void buildInputs(QWidget* box);
  void read();
  void showOverview(const OverviewRead& read);
  void showExports();
  void runChanged();
  void formatChanged();
  void onFinished();
  void setStatus(const QString& text);
  void fail(const QString& message);
  void updateActions();
  const RunExportSource* selectedSource() const;
  std::shared_ptr<Exporter> selectedExporter() const;
  std::optional<int64_t> selectedCheckpoint() const;
  QString formatLabel(const std::string& format) const;

  const PluginRegistry& plugins_;
  QString projectFile_;
  bool readOnly_ = false;
  ExportOverview overview_;

  QComboBox* run_;
  QComboBox* model_;
  QComboBox* format_;
  QLineEdit* destination_;
  QLabel* note_;
  QLabel* status_;
  QLabel* result_;
  QTableWidget* exports_;
  QAction* exportAction_;
  QAction* openFolderAction_;

  BackgroundTask<OverviewRead> reads_{[this](const OverviewRead& read) { showOverview(read); }};
  qint64 selectAfterRead_ = 0;

  JobRunner* job_ = nullptr;
  QString lastFolder_;
  QString lastError_;
};

}  // namespace tunebench::ui
