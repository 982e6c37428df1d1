#pragma once
// The cleaning recipe editor of the Data panel: the steps of a recipe (added from a menu of every
// step kind the core has, reordered, switched on and off, removed), the selected step's settings,
// and a preview of the recipe on the loaded version computed on a worker thread whenever the
// recipe changes (debounced): rows in, kept, removed and changed per step, and for the selected
// step sample rows before and after with the changed words marked. Apply stores the cleaned rows
// as the dataset's next version through a job (store::cleanVersion, as `data clean --recipe`).
// Recipes are saved and opened as the same JSON files the command line reads.
#include <QString>
#include <QTimer>
#include <QWidget>
#include <memory>

#include "common/BackgroundTask.h"
#include "data/DatasetVersionRead.h"
#include "data/RecipePreview.h"

class QAction;
class QLabel;
class QListView;
class QMenu;
class QPushButton;
class QTextBrowser;

namespace tunebench {
class BasicJobContext;
}

namespace tunebench::ui {

class CleaningRecipeModel;
class JobRunner;
class StepSettingsForm;

class CleaningRecipeEditor : public QWidget {
  Q_OBJECT
 public:
  // The preview runs on at most this many rows of the version.
  static constexpr size_t kPreviewRows = 2000;
  static constexpr int kPreviewDelayMs = 250;

  explicit CleaningRecipeEditor(QWidget* parent = nullptr);
  ~CleaningRecipeEditor() override;

  // The open project (empty: none). A read-only project can be previewed but not applied.
  void setProject(const QString& projectFile, bool readOnly);
  // The version the recipe works on (0: the newest); read on a worker thread.
  void setDataset(qint64 datasetId, int version);
  // The model whose tokenizer a length filter in tokens counts with; empty: none.
  void setModelFolder(const QString& folder);

  // Adds a step of this kind with its default settings and selects it; returns its row (-1 for
  // an unknown kind).
  int addStep(const QString& stepId);
  int currentRow() const;
  void setCurrentRow(int row);
  bool moveCurrentStep(int offset);
  bool removeCurrentStep();

  // Starts Apply; returns false (and says why) when it cannot start.
  bool apply();
  bool isApplying() const { return job_ != nullptr; }
  // Recipe files: return false and say why on failure (the file is left as it was).
  bool saveRecipe(const QString& file);
  bool openRecipe(const QString& file);

  CleaningRecipeModel* model() const { return model_; }
  QListView* stepList() const { return list_; }
  StepSettingsForm* settingsForm() const { return form_; }
  QMenu* addStepMenu() const { return addMenu_; }
  QTextBrowser* sampleView() const { return samples_; }
  QAction* applyAction() const { return applyAction_; }
  QAction* moveUpAction() const { return moveUpAction_; }
  QAction* moveDownAction() const { return moveDownAction_; }
  QAction* removeAction() const { return removeAction_; }
  // The status line: what was done last, or what to do next.
  QString statusText() const;
  // The version the preview and Apply work on (valid once loaded).
  const DatasetVersionData& loadedVersion() const { return loaded_; }
  bool isPreviewPending() const;

 public slots:
  void chooseRecipeToOpen();
  void chooseRecipeToSave();

 signals:
  void versionStored(qint64 datasetId, int version);
  void jobStarted(tunebench::ui::JobRunner* runner);
  void datasetLoaded();
  // A preview for the current recipe has arrived (or the recipe was checked without data).
  void previewUpdated();
  void failed(const QString& title, const QString& message);

 private:
  struct VersionRead {
    quint64 key = 0;
    DatasetVersionData version;
    QString error;
  };

  void buildActions();
  void readVersion();
  void onVersionRead(const VersionRead& read);
  void schedulePreview();
  void startPreview();
  void onPreviewFinished(const RecipePreview& preview);
  void showSelectedStep();
  void showSamples();
  void formEdited();
  void onApplyFinished();
  void setStatus(const QString& text);
  QString idleStatus() const;
  void updateActions();

  QString projectFile_;
  bool readOnly_ = false;
  qint64 datasetId_ = 0;
  int versionNumber_ = 0;
  QString modelFolder_;
  DatasetVersionData loaded_;

  CleaningRecipeModel* model_;
  QListView* list_;
  StepSettingsForm* form_;
  QTextBrowser* samples_;
  QLabel* status_;
  QLabel* previewNote_;
  QMenu* addMenu_;
  QPushButton* addButton_;
  QAction* addAction_;
  QAction* moveUpAction_;
  QAction* moveDownAction_;
  QAction* removeAction_;
  QAction* applyAction_;
  QAction* openAction_;
  QAction* saveAction_;

  // Reads and previews made stale are canceled through their contexts.
  BackgroundTask<VersionRead> versionReads_{
      [this](const VersionRead& read) { onVersionRead(read); }};
  quint64 versionKey_ = 0;

  QTimer previewTimer_;
  BackgroundTask<RecipePreview> previews_{
      [this](const RecipePreview& preview) { onPreviewFinished(preview); }};

  JobRunner* job_ = nullptr;
  qint64 jobDatasetId_ = 0;
  QString jobSource_;  // the version Apply cleans, for its messages
  QString lastError_;
};

}  // namespace tunebench::ui
