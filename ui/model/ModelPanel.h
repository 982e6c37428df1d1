#pragma once
// The Model stage: open a Hugging Face model folder or create a starter model, see what it is and
// how much memory it needs. Validation, fingerprinting and model making run as jobs on worker
// threads; a usable model is offered to the project through modelChosen().
#include <QWidget>
#include <functional>
#include <memory>

#include "model/ModelDescription.h"

class QAction;
class QLabel;
class QPushButton;

namespace tunebench {
class Job;
}

namespace tunebench::ui {

class JobRunner;
class ModelDescriptionView;
struct RegisteredModel;

class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(QWidget* parent = nullptr);

  // Where starter models go by default (a "models" folder next to the project).
  void setProjectFolder(const QString& folder) { projectFolder_ = folder; }
  // Validates and fingerprints the folder; a usable one is offered through modelChosen().
  void openModelFolder(const QString& folder);
  void createStarterModel(const QString& architecture, const QString& preset,
                          const QString& folder);
  // The built-in pretrained starter model (built first when missing, minutes on a CPU); an
  // empty folder means its default location.
  void useBuiltInStarter(const QString& folder = {});
  // Describes the project's registered model (nullptr: none yet) without registering it again.
  void showRegisteredModel(const RegisteredModel* model);
  // Forgets what is shown; a running job is canceled and its result ignored.
  void clear();

  QAction* openAction() const { return openAction_; }
  QAction* createAction() const { return createAction_; }
  QAction* starterAction() const { return starterAction_; }
  JobRunner* currentJob() const { return job_; }
  const ModelDescription* description() const { return shown_ ? &*shown_ : nullptr; }
  ModelDescriptionView* view() const { return view_; }
  QString statusText() const;
  // True when the shown model has problems (the navigator marks the stage).
  // The project's model (not a candidate folder being looked at) is missing or unusable.
  bool needsAttention() const { return projectModelUnusable_; }

 public slots:
  void chooseModelFolder();
  void chooseStarterModel();

 signals:
  void jobStarted(tunebench::ui::JobRunner* runner);
  void modelChosen(const QString& folder, const QString& architecture, const QString& sha256);
  void descriptionShown();
  void jobFailed(const QString& what, const QString& message);
  void stateChanged();

 private:
  using ResultOf = std::function<const ModelDescription*(Job&)>;
  void startJob(std::unique_ptr<Job> job, ResultOf resultOf, bool offerToProject);
  void setBusy(bool busy);
  void setStatus(const QString& text);

  QString projectFolder_;
  QAction* openAction_;
  QAction* createAction_;
  QAction* starterAction_;
  QPushButton* openButton_;
  QPushButton* createButton_;
  QPushButton* starterButton_;
  QLabel* status_;
  ModelDescriptionView* view_;
  JobRunner* job_ = nullptr;
  int generation_ = 0;  // results of jobs started before the last clear() are ignored
  std::optional<ModelDescription> shown_;
  bool projectModelUnusable_ = false;
};

}  // namespace tunebench::ui
