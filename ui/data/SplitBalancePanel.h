#pragma once
// Split & Balance: draws a seeded train/validation/test split of the chosen version (random,
// stratified by label, k-fold or by group) and stores it as a new version; for classification
// data, counts the classes before and after random over- or under-sampling. Balancing is shown,
// not stored: the project's versions hold imported, cleaned and split rows only.
#include <QPointer>
#include <QWidget>
#include <functional>
#include <map>
#include <memory>

#include "jobs/JobRunner.h"
#include "store/DatasetVersions.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tunebench {
class Job;
}

namespace tunebench::ui {

struct ChosenVersion {
  QString projectFile;
  bool readOnly = false;
  qint64 datasetId = 0;
  QString datasetName;
  QString kind;
  qint64 versionId = 0;
  qint64 number = 0;
  qint64 rows = 0;
  QString splitSummary;  // "train 80, validation 10, test 10" or empty
  QStringList fields;
};

struct ClassCounts {
  std::map<std::string, qint64> before;
  std::map<std::string, qint64> after;
};

class SplitBalancePanel : public QWidget {
  Q_OBJECT
 public:
  using StartJob = std::function<JobRunner*(std::unique_ptr<Job>)>;

  SplitBalancePanel(StartJob startJob, QWidget* parent = nullptr);

  void setVersion(const ChosenVersion& version);
  void setFields(const QStringList& fields);
  store::SplitRequest request() const;
  void setRequest(const store::SplitRequest& request);
  bool isBusy() const { return runner_ != nullptr; }

  QComboBox* methodBox() const { return method_; }
  QPushButton* splitButton() const { return split_; }
  QComboBox* balanceBox() const { return balance_; }
  QPushButton* countButton() const { return count_; }
  QTableWidget* countsTable() const { return counts_; }
  QLabel* statusLabel() const { return status_; }

 public slots:
  bool startSplit();
  bool countClasses();

 signals:
  // A split was stored as version `number` of the dataset.
  void versionStored(qint64 datasetId, qint64 number);
  void countsShown();
  void failed(const QString& title, const QString& message);

 private:
  QWidget* buildSplitBox();
  QWidget* buildBalanceBox();
  void updateInputs();
  void showCounts(const ClassCounts& counts);

  StartJob startJob_;
  ChosenVersion version_;
  QPointer<JobRunner> runner_;

  QLabel* current_;
  QComboBox* method_;
  QDoubleSpinBox* validation_;
  QDoubleSpinBox* test_;
  QSpinBox* seed_;
  QSpinBox* folds_;
  QSpinBox* fold_;
  QComboBox* groupField_;
  QPushButton* split_;
  QComboBox* balance_;
  QSpinBox* balanceSeed_;
  QPushButton* count_;
  QLabel* balanceNote_;
  QTableWidget* counts_;
  QLabel* status_;
};

}  // namespace tunebench::ui
