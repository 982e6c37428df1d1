#pragma once
// The profile of a dataset version for the Data panel, computed on a worker thread: the record
// count, a histogram of the length of the text the trainer sees in tokens of the chosen model
// (with the maximum length marked and the share that would be cut written on the chart), the
// length of each field, the label distribution with its imbalance ratio, and the duplicates
// found. Without a model folder the histogram counts words and says that tokens need a model.
#include <QString>
#include <QTimer>
#include <QWidget>
#include <memory>

#include "common/BackgroundTask.h"
#include "data/DatasetProfileComputation.h"

class QLabel;
class QProgressBar;
class QTableWidget;

namespace tunebench {
class BasicJobContext;
}

namespace tunebench::ui {

class LabelDistributionChart;
class LengthHistogramChart;

class DatasetProfileView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kBins = 20;

  explicit DatasetProfileView(QWidget* parent = nullptr);
  ~DatasetProfileView() override;

  void setProject(const QString& projectFile, bool readOnly);
  void setDataset(qint64 datasetId, int version);  // version 0: the newest
  // The model whose tokenizer counts tokens; empty: none (words and characters only).
  void setModelFolder(const QString& folder);
  // The training sequence length; 0: the model's maximum positions, else 2048.
  void setMaxLength(int tokens);

  // From a setter until the profile for it is shown (or has failed).
  bool isComputing() const { return profiles_.isBusy() || restartTimer_.isActive(); }
  // The profile shown (valid once profileShown() was emitted).
  const ProfileOutcome& shown() const { return shown_; }
  LengthHistogramChart* histogram() const { return histogram_; }
  LabelDistributionChart* labelChart() const { return labels_; }
  QTableWidget* fieldTable() const { return fields_; }
  QString summaryText() const;
  QString noteText() const;

 signals:
  void profileShown();
  void failed(const QString& title, const QString& message);

 private:
  void restart();
  void start();
  void onFinished(const ProfileOutcome& outcome);
  void showOutcome(const ProfileOutcome& outcome);
  void clear(const QString& message);
  void fillFieldTable(const ProfileOutcome& outcome);

  ProfileRequest request_;
  QLabel* summary_;
  QLabel* note_;
  QProgressBar* busy_;
  LengthHistogramChart* histogram_;
  LabelDistributionChart* labels_;
  QTableWidget* fields_;

  QTimer restartTimer_;
  // A computation made stale by a setter is canceled through its context.
  BackgroundTask<ProfileOutcome> profiles_{
      [this](const ProfileOutcome& outcome) { onFinished(outcome); }};
  quint64 key_ = 0;
  ProfileOutcome shown_;
};

}  // namespace tunebench::ui
