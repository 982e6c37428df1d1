#pragma once
// The Train panel's live charts: training loss (raw and smoothed), validation loss, learning
// rate, gradient norm and tokens per second, with the smoothing slider, the log-y toggle and the
// x-axis choice (step, epoch from the trainer's "epoch" metric, or time since the first metric).
// Batches of metrics are added without painting; one single-shot timer repaints the charts that
// changed, at most once every kMinRedrawIntervalMs (25 times a second).
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "train/StepTimeline.h"
#include "train/TrainingFeed.h"

class QCheckBox;
class QComboBox;
class QSlider;
class QLabel;

namespace tunebench::ui {

class TrainChart;

class TrainingCharts : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMinRedrawIntervalMs = 40;

  explicit TrainingCharts(QWidget* parent = nullptr);

  void add(const FeedBatch& batch);
  void clear();

  TrainChart* lossChart() const { return loss_; }
  TrainChart* validationChart() const { return validation_; }
  TrainChart* learningRateChart() const { return learningRate_; }
  TrainChart* gradNormChart() const { return gradNorm_; }
  TrainChart* throughputChart() const { return throughput_; }
  std::vector<TrainChart*> charts() const;
  QSlider* smoothingSlider() const { return smoothing_; }
  QCheckBox* logScaleBox() const { return logScale_; }
  QComboBox* xAxisBox() const { return xAxis_; }
  void setXAxisKind(XAxisKind kind);

  // Repaints so far, and when each happened (ms since the charts were made): tests check the
  // rate against the 25 per second limit.
  int redrawCount() const { return static_cast<int>(redrawTimes_.size()); }
  const std::vector<qint64>& redrawTimes() const { return redrawTimes_; }

 private:
  void requestRedraw();
  void redraw();

  TrainChart* loss_;
  TrainChart* validation_;
  TrainChart* learningRate_;
  TrainChart* gradNorm_;
  TrainChart* throughput_;
  std::map<QString, std::pair<TrainChart*, int>> seriesOfKey_;
  QSlider* smoothing_;
  QLabel* smoothingValue_;
  QCheckBox* logScale_;
  QComboBox* xAxis_;
  std::shared_ptr<StepTimeline> timeline_ = std::make_shared<StepTimeline>();
  std::optional<double> origin_;  // wall time of the first metric
  qint64 lastTimedStep_ = -1;
  QTimer redrawTimer_;
  QElapsedTimer clock_;
  qint64 lastRedraw_ = -1;
  std::vector<qint64> redrawTimes_;
};

}  // namespace tunebench::ui
