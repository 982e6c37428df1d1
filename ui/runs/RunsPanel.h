#pragma once
// The project's runs: a table with status, method, tags, best validation loss, steps and
// duration; rename (F2), tags, notes and delete (Del, with a confirmation that removes the run's
// files only when asked); and the comparison of the selected runs (RunComparisonView). The
// project is read on a worker thread through its own read-only connection, and every change is
// written on a worker thread through its own connection: the GUI thread never waits on SQLite or
// on the file system.
#include <QWidget>
#include <functional>
#include <map>

#include "common/BackgroundTask.h"
#include "store/RunOverview.h"

class QAction;
class QLabel;
class QTableWidget;

namespace tunebench::store {
class ProjectStore;
}

namespace tunebench::ui {

class RunComparisonView;
class TrainChart;

class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kPixelBudget = 1000;
  enum Column {
    kId,
    kName,
    kStatus,
    kMethod,
    kTags,
    kBestValidation,
    kSteps,
    kDuration,
    kStarted,
    kColumns
  };

  explicit RunsPanel(QWidget* parent = nullptr);
  ~RunsPanel() override;

  void setProject(const QString& projectFile);
  QTableWidget* table() const { return table_; }
  RunComparisonView* comparison() const { return comparison_; }
  TrainChart* chart() const;
  QAction* refreshAction() const { return refreshAction_; }
  QAction* compareAction() const { return compareAction_; }
  QAction* renameAction() const { return renameAction_; }
  QAction* tagsAction() const { return tagsAction_; }
  QAction* notesAction() const { return notesAction_; }
  QAction* deleteAction() const { return deleteAction_; }
  QList<qint64> comparedRuns() const { return compared_; }
  // The runs selected in the table, in table order.
  QList<qint64> selectedRuns() const;
  // The table row of a run, or -1.
  int rowOfRun(qint64 runId) const;
  QString statusText() const;

  static QColor colorOfRun(qint64 runId);

 public slots:
  void refresh();
  // Compares the runs selected in the table.
  void compareSelected();
  // Each opens its dialog (window-modal, not blocking) for the current run.
  void renameCurrent();
  void editTagsOfCurrent();
  void editNotesOfCurrent();
  // Asks for confirmation, then deletes the selected runs.
  void deleteSelected();

 signals:
  void refreshed();
  // A change was written (or failed: ok false); message says what happened.
  void written(bool ok, const QString& message);

 private:
  struct WriteOutcome {
    bool ok = true;
    QString message;
  };
  using WriteOperation = std::function<QString(store::ProjectStore&)>;

  void read(const QList<qint64>& compare);
  void overviewRead(const store::RunOverview& overview);
  void overviewFailed(const QString& error);
  void showOverview(const store::RunOverview& overview);
  void writeDone(const WriteOutcome& outcome);
  void write(const QString& what, WriteOperation operation);
  const store::RunRecord* currentRun() const;
  void updateActions();

  QString projectFile_;
  QTableWidget* table_;
  RunComparisonView* comparison_;
  QLabel* status_;
  QAction* refreshAction_;
  QAction* compareAction_;
  QAction* renameAction_;
  QAction* tagsAction_;
  QAction* notesAction_;
  QAction* deleteAction_;
  std::map<qint64, store::RunRecord> runs_;
  QList<qint64> compared_;
  QString error_;
  QString lastWrite_;
  BackgroundTask<store::RunOverview> reads_{
      [this](const store::RunOverview& overview) { overviewRead(overview); },
      [this](const QString& error) { overviewFailed(error); }};
  // One change at a time (the actions are disabled meanwhile).
  BackgroundTask<WriteOutcome> writes_{[this](const WriteOutcome& outcome) { writeDone(outcome); }};
};

}  // namespace tunebench::ui
