#pragma once
// Split & Balance: draws a seeded train/validation/test split of the chosen version (random,
// stratified by label, k-fold or by group) and stores it as a new version; counts the classes of
// a label field before and after random over- or under-sampling, then stores the balanced rows
// as a new version, and copies the balanced class weights for a training config.
#include <QPointer>
#include <QWidget>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "jobs/JobRunner.h"
#include "store/DatasetBalancing.h"
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
  QString labelField;  // the classification label's field, or empty
  QString balance;     // how the version was balanced, or empty
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
  QComboBox* labelFieldBox() const { return labelField_; }
  QPushButton* countButton() const { return count_; }
  QPushButton* storeBalanceButton() const { return storeBalance_; }
  QPushButton* copyWeightsButton() const { return copyWeights_; }
  QTableWidget* countsTable() const { return counts_; }
  QLabel* weightsLabel() const { return weights_; }
  QLabel* statusLabel() const { return status_; }
  store::BalanceRequest balanceRequest() const;

 public slots:
  bool startSplit();
  bool countClasses();
  // Stores the counted balancing as a new version; needs counts for the current settings.
  bool storeBalancedVersion();
  // Puts the counted version's balanced class weights on the clipboard as JSON.
  bool copyClassWeights();

 signals:
  // A split was stored as version `number` of the dataset.
  void versionStored(qint64 datasetId, qint64 number);
  void countsShown();
  void failed(const QString& title, const QString& message);

 private:
  QWidget* buildSplitBox();
  QWidget* buildBalanceBox();
  void updateInputs();
  void forgetCounts();
  void showCounts(const store::BalancePlan& plan);
  bool isCounted() const;

  // The settings the shown counts were made with; storing needs them to be the current ones.
  struct Counted {
    qint64 versionId = 0;
    std::string labelField, method;
    uint64_t seed = 0;
    std::string weightsJson;
  };

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
  QComboBox* labelField_;
  QPushButton* count_;
  QPushButton* storeBalance_;
  QPushButton* copyWeights_;
  QLabel* balanceNote_;
  QTableWidget* counts_;
  QLabel* weights_;
  std::optional<Counted> counted_;
  qint64 storedVersion_ = 0;  // the version just stored: its message stays when it is chosen
  QLabel* status_;
};

}  // namespace tunebench::ui
