#pragma once
// The Setup stage: every setting of a training run in grouped forms (SetupForm), checked by the
// engine's own parser as it is edited, with presets from the fine-tuning guide, the resulting
// run config as JSON (opened from and saved as run.json), a measured estimate of the run's peak
// memory and time (a dry run on a worker thread), and "Use for Training", which hands the config
// to the Train panel.
#include <QString>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/BackgroundTask.h"
#include "train/DryRunEstimate.h"
#include "train/TrainingConfig.h"

class QAction;
class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace tunebench::ui {

class EstimateView;
class JobRunner;
class SetupForm;

class SetupPanel : public QWidget {
  Q_OBJECT
 public:
  // Untouched: nothing chosen yet in this project; Valid: the parser accepts the config.
  enum class ConfigState { Untouched, Valid, Invalid };

  explicit SetupPanel(QWidget* parent = nullptr);
  ~SetupPanel() override;

  // The open project (empty: none) and its current model, the form's default model folder.
  void setProject(const QString& projectFile, const QString& modelFolder);

  nlohmann::json runConfig() const;
  ConfigState configState() const { return state_; }
  // The parser's message for the config as it stands; empty when it is valid.
  QString problem() const { return problem_; }

  void applyPreset(int index);
  // Reads a run.json on a worker thread; configOpened or failed follows.
  void openRunConfig(const QString& file);
  // Writes the config (atomically) on a worker thread; configSaved or failed follows.
  void saveRunConfig(const QString& file);
  // Starts the dry-run estimate; false (with the reason in problem()/failed) when it cannot.
  bool estimate();
  bool isEstimating() const { return job_ != nullptr; }
  // The last completed estimate; nullptr when there is none.
  const DryRunEstimate* lastEstimate() const { return lastEstimate_.get(); }
  // Hands a valid config to the Train stage (useForTrainingRequested); false when invalid.
  bool useForTraining();

  SetupForm* form() const { return form_; }
  QPlainTextEdit* jsonView() const { return json_; }
  EstimateView* estimateView() const { return estimateView_; }
  QComboBox* presetBox() const { return presets_; }
  QLabel* problemLabel() const { return problemLabel_; }
  QAction* openAction() const { return openAction_; }
  QAction* saveAction() const { return saveAction_; }
  QAction* estimateAction() const { return estimateAction_; }
  QAction* useForTrainingAction() const { return useAction_; }

 public slots:
  void chooseRunConfigToOpen();
  void chooseRunConfigToSave();

 signals:
  void jobStarted(tunebench::ui::JobRunner* runner);
  void stateChanged();
  void useForTrainingRequested(const nlohmann::json& runConfig);
  void configOpened(const QString& file);
  void configSaved(const QString& file);
  void estimateFinished();
  void failed(const QString& title, const QString& message);
  // The form was stored in the open project as its Setup draft / restored from it on opening.
  void draftSaved();
  void draftRestored();

 private:
  struct FileResult {
    QString file;
    bool saving = false;
    TrainingConfig config;
    QString error;
  };
  void validate();
  void fileDone(const FileResult& result);
  void onEstimateFinished();
  void updateActions();
  QString baseFolder() const;
  void readDraft();
  void restoreDraft(const QString& projectFile, const std::optional<std::string>& draft);
  void writeDraft();

  QString projectFile_;
  SetupForm* form_;
  QPlainTextEdit* json_;
  EstimateView* estimateView_;
  QComboBox* presets_;
  QLabel* problemLabel_;
  QAction* openAction_;
  QAction* saveAction_;
  QAction* estimateAction_;
  QAction* useAction_;
  JobRunner* job_ = nullptr;
  std::unique_ptr<DryRunEstimate> lastEstimate_;
  nlohmann::json estimatedConfig_;
  ConfigState state_ = ConfigState::Untouched;
  bool touched_ = false;
  QString problem_;
  // Reads and writes run.json files; one at a time (the actions are disabled meanwhile).
  BackgroundTask<FileResult> files_{[this](const FileResult& result) { fileDone(result); }};
  // The form is the project's Setup draft: written a moment after the last edit, read back
  // when the project opens again. A read-only project keeps no draft.
  QTimer draftTimer_;
  bool restoringDraft_ = false;
  using StoredDraft = std::pair<QString, std::optional<std::string>>;  // project, draft
  BackgroundTask<StoredDraft> draftReads_{
      [this](const StoredDraft& read) { restoreDraft(read.first, read.second); }};
  BackgroundTask<bool> draftWrites_{[this](bool saved) {
    if (saved) emit draftSaved();
  }};
};

}  // namespace tunebench::ui
