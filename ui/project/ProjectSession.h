#pragma once
// The open project as the GUI sees it. The ProjectStore connection lives on one worker thread
// (a one-thread pool, so its tasks run in order and never at once): opening, migrating, copying
// and registering never block the GUI thread. Results come back as snapshots.
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <vector>

namespace tunebench::store {
class ProjectStore;
}

namespace tunebench::ui {

struct RegisteredModel {
  qint64 id = 0;
  QString name;
  QString folder;  // absolute, resolved against the project folder
  QString architecture;
  QString sha256;
  bool folderExists = false;
};

struct ProjectSnapshot {
  QString file;
  bool readOnly = false;
  QString readOnlyReason;
  int schemaVersion = 0;
  int recoveredRuns = 0;
  std::vector<RegisteredModel> models;
  // The model the project uses now: the one registered last.
  const RegisteredModel* currentModel() const { return models.empty() ? nullptr : &models.back(); }
};

class ProjectSession : public QObject {
  Q_OBJECT
 public:
  explicit ProjectSession(QObject* parent = nullptr);
  ~ProjectSession() override;

  bool isOpen() const { return open_; }
  bool isBusy() const { return pending_ > 0; }
  const ProjectSnapshot& snapshot() const { return snapshot_; }

  void create(const QString& file);
  void open(const QString& file);
  // Copies the project with the SQLite backup API and continues in the copy.
  void saveAs(const QString& file);
  void close();
  // Registers a model folder unless it is already the current model with the same fingerprint.
  void registerModel(const QString& folder, const QString& architecture, const QString& sha256);

 signals:
  void opened(const QString& file);  // after create, open and save-as
  void changed();                    // the snapshot changed
  void closed();
  void failed(const QString& action, const QString& message);

 private:
  enum class After { Opened, Changed };
  using StoreTask = std::function<void(std::shared_ptr<store::ProjectStore>&)>;
  // `hint` says what to do when the task fails; it follows the error in failed().
  void submit(const QString& action, const QString& hint, After after, StoreTask task);

  QThreadPool pool_;
  // Touched only by tasks on pool_.
  std::shared_ptr<store::ProjectStore> store_;
  bool open_ = false;
  int pending_ = 0;
  ProjectSnapshot snapshot_;
};

}  // namespace tunebench::ui
