#pragma once
// Edits a benchmark suite (eval/BenchmarkSuite.h): its name and one row per task (name, file,
// evaluator, benchmark task, few-shot count, question limit), opened from and saved to a JSON or
// YAML file. Settings a file holds that the table does not show (a generation task's metrics, a
// few-shot file) are kept with their row.
#include <QString>
#include <QWidget>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/BenchmarkSuite.h"

class QAction;
class QLineEdit;
class QTableWidget;

namespace tunebench::ui {

class BenchmarkSuiteEditor : public QWidget {
  Q_OBJECT
 public:
  enum Column { kName, kFile, kEvaluator, kTask, kFewShot, kLimit, kColumns };
  // The few-shot spin box's value for "the task's own default".
  static constexpr int kDefaultFewShot = -1;

  explicit BenchmarkSuiteEditor(QWidget* parent = nullptr);

  // The suite as edited. Throws tunebench::Error when it has no task.
  BenchmarkSuite suite() const;
  void setSuite(const BenchmarkSuite& suite);
  void addTask(const SuiteTask& task);
  int taskCount() const;

  // With the dialogs (the GUI's) or without (tests and scripts). Each returns false and says why
  // through failed() when it cannot.
  bool openSuite(const QString& path);
  bool saveSuite(const QString& path);

  QTableWidget* table() const { return table_; }
  QLineEdit* nameEdit() const { return name_; }
  QAction* addFilesAction() const { return addFiles_; }
  QAction* removeAction() const { return remove_; }
  QAction* openAction() const { return open_; }
  QAction* saveAction() const { return save_; }

 signals:
  void changed();
  void failed(const QString& title, const QString& message);

 private:
  void chooseFiles();
  void chooseSuiteToOpen();
  void chooseWhereToSave();
  void removeSelected();
  void evaluatorChanged(int row);
  SuiteTask taskAt(int row) const;

  QLineEdit* name_;
  QTableWidget* table_;
  // Per row: the settings the table does not show.
  std::vector<nlohmann::json> hidden_;
  QAction* addFiles_;
  QAction* remove_;
  QAction* open_;
  QAction* save_;
};

}  // namespace tunebench::ui
