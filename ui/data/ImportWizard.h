#pragma once
// File ▸ import as a dataset, in four steps: pick the file (and its format), check the detected
// schema and edit the column mapping, preview the first rows as they will be typed (with the
// rows that would be rejected), then import as a job with progress. An import that stops on a
// bad row says which file, line and column or field; the user may then skip bad rows, which are
// stored as rejects and counted.
#include <QMap>
#include <QPointer>
#include <QWizard>
#include <functional>
#include <memory>

#include "common/BackgroundTask.h"
#include "data/ImportInspection.h"
#include "jobs/JobRunner.h"
#include "store/ProjectDatasetImport.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace tunebench {
class Job;
class PluginRegistry;
}  // namespace tunebench

namespace tunebench::ui {

class ImportWizard : public QWizard {
  Q_OBJECT
 public:
  enum PageId { FilePage, SchemaPage, PreviewPage, ImportPage };
  // Starts a job for the wizard and returns its runner (owned by the caller).
  using StartJob = std::function<JobRunner*(std::unique_ptr<Job>)>;
  static constexpr int kSampleRecords = 200;
  static constexpr int kPreviewRows = 20;

  ImportWizard(const PluginRegistry& plugins, const QString& projectFile,
               const QStringList& takenNames, StartJob startJob, QWidget* parent = nullptr);
  ~ImportWizard() override;

  void setFile(const QString& file);
  QLineEdit* fileEdit() const { return file_; }
  QLineEdit* nameEdit() const { return name_; }
  QComboBox* formatBox() const { return format_; }
  QComboBox* kindBox() const { return kind_; }
  QComboBox* slotBox(const QString& slot) const { return slots_.value(slot); }
  QTableWidget* previewTable() const { return preview_; }
  QCheckBox* skipBadRowsBox() const { return skipBadRows_; }
  QLabel* schemaLabel() const { return schema_; }
  QLabel* previewSummary() const { return previewSummary_; }
  QLabel* importStatus() const { return importStatus_; }
  QProgressBar* progressBar() const { return progress_; }
  QPushButton* retryButton() const { return retry_; }

  bool isInspected() const { return inspected_; }
  const ImportInspection& inspection() const { return inspection_; }
  // The mapping as edited on the schema page.
  ColumnMapping mapping() const;
  bool isImporting() const { return runner_ != nullptr; }
  bool importSucceeded() const { return succeeded_; }
  const store::ProjectImportResult& importResult() const { return *result_; }
  QString importError() const { return importError_; }

 public slots:
  void chooseFile();
  // Imports again from the last page (after choosing to skip bad rows).
  void importAgain();
  void reject() override;

 signals:
  void inspected();
  void importFinished(bool succeeded);

 private:
  QWizardPage* buildFilePage();
  QWizardPage* buildSchemaPage();
  QWizardPage* buildPreviewPage();
  QWizardPage* buildImportPage();
  std::shared_ptr<DatasetImporter> chosenImporter(QString* problem) const;
  bool validateFile();
  void inspect();
  void showInspection(const ImportInspection& inspection);
  void rebuildSlots(DatasetKind kind);
  bool mappingComplete() const;
  void showPreview();
  void startImport();
  void importEnded();

  const PluginRegistry& plugins_;
  QString projectFile_;
  QStringList takenNames_;
  StartJob startJob_;

  QLineEdit* file_;
  QComboBox* format_;
  QLineEdit* name_;
  QLabel* fileProblem_;
  QLabel* schema_;
  QComboBox* kind_;
  QFormLayout* slotForm_;
  QMap<QString, QComboBox*> slots_;
  QLineEdit* roleKey_;
  QLineEdit* contentKey_;
  QTableWidget* preview_;
  QLabel* previewSummary_;
  QCheckBox* skipBadRows_;
  QLabel* importStatus_;
  QProgressBar* progress_;
  QPushButton* retry_;
  QPushButton* backToMapping_;

  std::shared_ptr<DatasetImporter> importer_;
  BackgroundTask<ImportInspection> inspections_{
      [this](const ImportInspection& inspection) { showInspection(inspection); }};
  QString inspectedFile_;
  bool inspected_ = false;
  ImportInspection inspection_;
  QPointer<JobRunner> runner_;
  std::shared_ptr<store::ProjectImportResult> result_;
  bool succeeded_ = false;
  QString importError_;
};

}  // namespace tunebench::ui
