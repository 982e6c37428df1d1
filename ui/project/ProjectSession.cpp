#include "project/ProjectSession.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent>
#include <algorithm>
#include <filesystem>

#include "common/Error.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectCopy.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace fs = std::filesystem;

namespace {

struct TaskResult {
  QString error;
  bool isOpen = false;
  ProjectSnapshot snapshot;
};

fs::path toPath(const QString& file) {
  return fs::path(QDir::cleanPath(file).toStdString());
}

ProjectSnapshot snapshotOf(store::ProjectStore& store) {
  ProjectSnapshot s;
  s.file = QString::fromStdString(store.file().string());
  s.readOnly = store.isReadOnly();
  s.readOnlyReason = QString::fromStdString(store.readOnlyReason());
  s.schemaVersion = store.schemaVersion();
  s.recoveredRuns = static_cast<int>(store.recoveredRuns().size());
  auto records = store::ModelRepository(store).list();
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const auto& record : records) {
    RegisteredModel model;
    model.id = record.id;
    model.name = QString::fromStdString(record.name);
    const auto folder = store.resolve(record.folder);
    model.folder = QString::fromStdString(folder.string());
    model.architecture = QString::fromStdString(record.architecture);
    model.sha256 = QString::fromStdString(record.sha256);
    std::error_code ec;
    model.folderExists = fs::is_directory(folder, ec);
    s.models.push_back(model);
  }
  return s;
}

}  // namespace

ProjectSession::ProjectSession(QObject* parent) : QObject(parent) {
  pool_.setMaxThreadCount(1);
  // The connection must outlive idle periods: a fresh thread per task would still be one at a
  // time, but keeping it avoids thread churn.
  pool_.setExpiryTimeout(-1);
}

ProjectSession::~ProjectSession() {
  pool_.waitForDone();
  // Closing checkpoints the WAL; no task is running any more, so this thread may do it.
  store_.reset();
}

void ProjectSession::submit(const QString& action, const QString& hint, After after,
                            StoreTask task) {
  ++pending_;
  auto* watcher = new QFutureWatcher<TaskResult>(this);
  connect(
      watcher, &QFutureWatcher<TaskResult>::finished, this, [this, watcher, action, hint, after] {
        watcher->deleteLater();
        --pending_;
        const TaskResult result = watcher->result();
        if (!result.error.isEmpty()) {
          emit failed(action,
                      hint.isEmpty() ? result.error : result.error + QStringLiteral("\n\n") + hint);
          return;
        }
        const bool wasOpen = open_;
        open_ = result.isOpen;
        snapshot_ = result.snapshot;
        if (!open_) {
          if (wasOpen) emit closed();
          return;
        }
        if (after == After::Opened) emit opened(snapshot_.file);
        emit changed();
      });
  watcher->setFuture(QtConcurrent::run(&pool_, [this, task = std::move(task)] {
    TaskResult result;
    try {
      task(store_);
    } catch (const std::exception& e) {
      result.error = QString::fromUtf8(e.what());
    }
    if (store_) {
      try {
        result.snapshot = snapshotOf(*store_);
      } catch (const std::exception& e) {
        if (result.error.isEmpty()) result.error = QString::fromUtf8(e.what());
      }
    }
    result.isOpen = store_ != nullptr;
    return result;
  }));
}

void ProjectSession::create(const QString& file) {
  submit(tr("Creating the project"), tr("Choose a new file name in a folder you can write to."),
         After::Opened, [path = toPath(file)](auto& store) {
           auto created = std::make_shared<store::ProjectStore>(store::ProjectStore::create(path));
           store = std::move(created);
         });
}

void ProjectSession::open(const QString& file) {
  submit(tr("Opening the project"),
         tr("Choose a project file (*.tbproj) made by Tunebench, or create a new project with "
            "File ▸ New Project."),
         After::Opened, [path = toPath(file)](auto& store) {
           // The open project stays open when the other one cannot be opened.
           auto opened = std::make_shared<store::ProjectStore>(store::ProjectStore::open(path));
           store = std::move(opened);
         });
}

void ProjectSession::saveAs(const QString& file) {
  submit(tr("Saving the project as %1").arg(QFileInfo(file).fileName()),
         tr("The open project is unchanged; choose another file name or folder."), After::Opened,
         [path = toPath(file)](auto& store) {
           if (!store) throw Error("no project is open to save");
           auto copy = std::make_shared<store::ProjectStore>(store::saveProjectAs(*store, path));
           store = std::move(copy);
         });
}

void ProjectSession::close() {
  submit(tr("Closing the project"), {}, After::Changed, [](auto& store) { store.reset(); });
}

void ProjectSession::registerModel(const QString& folder, const QString& architecture,
                                   const QString& sha256) {
  submit(tr("Registering the model"),
         tr("The model is shown but the project does not remember it; save the project under "
            "another name (File ▸ Save As) to keep working with it."),
         After::Changed,
         [path = toPath(folder), arch = architecture.toStdString(),
          hash = sha256.toStdString()](auto& store) {
           if (!store) throw Error("no project is open: open or create a project first");
           if (store->isReadOnly())
             throw Error(store->file().string() + " is read-only (" + store->readOnlyReason() +
                         "): the model was not registered");
           store::ModelRepository models(*store);
           auto records = models.list();
           std::sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return a.id < b.id; });
           if (!records.empty() && store->resolve(records.back().folder) == path &&
               records.back().sha256 == hash)
             return;
           models.add(path.filename().string(), path, arch, hash);
         });
}

}  // namespace tunebench::ui
