#pragma once
// The Data stage's Rejects tab: the rows an import skipped ("Skip bad rows"), each with its line,
// the problem and its raw text, so the user sees what was left out and can repair it; Export
// writes them all as JSON Lines (line, problem, raw) through a job with progress and Cancel.
// The first kShownRejects are read on a worker thread through a read-only connection.
#include <QString>
#include <QWidget>
#include <functional>
#include <memory>

#include "common/BackgroundTask.h"
#include "eval/ProjectRead.h"
#include "store/DatasetRejects.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace tunebench {
class Job;
}

namespace tunebench::ui {

class JobRunner;

class RejectsView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kShownRejects = 1000;
  using StartJob = std::function<JobRunner*(std::unique_ptr<Job>)>;

  explicit RejectsView(StartJob startJob, QWidget* parent = nullptr);

  // The version whose rejects are shown (0: none); `count` is the catalog's reject count.
  void setVersion(const QString& projectFile, qint64 versionId, qint64 count);
  // Writes every reject of the shown version to `file`; false (and failed) when it cannot start.
  bool exportTo(const QString& file);

  QTableWidget* table() const { return table_; }
  QString summaryText() const;

 signals:
  void rejectsShown();
  void exported(const QString& file, qint64 count);
  void failed(const QString& title, const QString& message);

 private:
  using RejectsRead = ProjectRead<store::VersionRejects>;
  void showRejects(const RejectsRead& read);
  void chooseExportFile();

  StartJob startJob_;
  QString projectFile_;
  qint64 versionId_ = 0;
  QLabel* summary_;
  QTableWidget* table_;
  QPushButton* export_;
  BackgroundTask<RejectsRead> reads_{[this](const RejectsRead& read) { showRejects(read); }};
};

}  // namespace tunebench::ui
