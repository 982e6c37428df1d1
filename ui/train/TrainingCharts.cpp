#include "train/TrainingCharts.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <algorithm>

#include "train/TrainChart.h"

namespace tunebench::ui {

TrainingCharts::TrainingCharts(QWidget* parent) : QWidget(parent) {
  clock_.start();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  auto* controls = new QHBoxLayout;
  auto* smoothingLabel = new QLabel(tr("S&moothing:"), this);
  smoothing_ = new QSlider(Qt::Horizontal, this);
  smoothing_->setObjectName(QStringLiteral("smoothing"));
  smoothing_->setAccessibleName(tr("Loss smoothing"));
  smoothing_->setRange(0, 99);
  smoothing_->setValue(60);
  smoothing_->setMaximumWidth(200);
  smoothingLabel->setBuddy(smoothing_);
  smoothingValue_ = new QLabel(QStringLiteral("0.60"), this);
  logScale_ = new QCheckBox(tr("&Log scale"), this);
  logScale_->setObjectName(QStringLiteral("logScale"));
  auto* xAxisLabel = new QLabel(tr("X a&xis:"), this);
  xAxis_ = new QComboBox(this);
  xAxis_->setObjectName(QStringLiteral("xAxis"));
  xAxis_->setAccessibleName(tr("X axis"));
  xAxis_->addItem(tr("Step"), static_cast<int>(XAxisKind::Step));
  xAxis_->addItem(tr("Epoch"), static_cast<int>(XAxisKind::Epoch));
  xAxis_->addItem(tr("Wall time"), static_cast<int>(XAxisKind::WallTime));
  xAxisLabel->setBuddy(xAxis_);
  auto* fit = new QPushButton(tr("&Fit All"), this);
  fit->setToolTip(tr("Show every point again after zooming or panning (or double-click a chart)"));
  controls->addWidget(smoothingLabel);
  controls->addWidget(smoothing_);
  controls->addWidget(smoothingValue_);
  controls->addSpacing(16);
  controls->addWidget(logScale_);
  controls->addSpacing(16);
  controls->addWidget(xAxisLabel);
  controls->addWidget(xAxis_);
  controls->addWidget(fit);
  controls->addStretch(1);
  controls->addWidget(new QLabel(tr("Wheel: zoom · drag: pan · hover: values"), this));
  layout->addLayout(controls);

  auto* grid = new QGridLayout;
  loss_ = new TrainChart(tr("Training loss"), tr("loss"), this);
  validation_ = new TrainChart(tr("Validation"), tr("loss · accuracy"), this);
  learningRate_ = new TrainChart(tr("Learning rate"), tr("lr"), this);
  gradNorm_ = new TrainChart(tr("Gradient norm"), tr("norm"), this);
  throughput_ = new TrainChart(tr("Throughput"), tr("tokens/s"), this);
  grid->addWidget(loss_, 0, 0, 1, 2);
  grid->addWidget(validation_, 0, 2);
  grid->addWidget(learningRate_, 1, 0);
  grid->addWidget(gradNorm_, 1, 1);
  grid->addWidget(throughput_, 1, 2);
  grid->setRowStretch(0, 3);
  grid->setRowStretch(1, 2);
  layout->addLayout(grid, 1);
  // One run: every chart places its steps on the same timeline.
  for (auto* chart : charts()) chart->setTimeline(timeline_);

  seriesOfKey_[QStringLiteral("loss")] = {loss_,
                                          loss_->addSeries(tr("loss"), QColor(31, 119, 180))};
  loss_->enableSmoothing(0.6);
  seriesOfKey_[QStringLiteral("val_loss")] = {
      validation_, validation_->addSeries(tr("validation loss"), QColor(214, 39, 40))};
  // Classifiers report accuracy too; its 0–1 scale sits well beside their loss.
  seriesOfKey_[QStringLiteral("val_accuracy")] = {
      validation_, validation_->addSeries(tr("validation accuracy"), QColor(23, 190, 207))};
  seriesOfKey_[QStringLiteral("lr")] = {learningRate_,
                                        learningRate_->addSeries(tr("lr"), QColor(44, 160, 44))};
  seriesOfKey_[QStringLiteral("grad_norm")] = {
      gradNorm_, gradNorm_->addSeries(tr("grad norm"), QColor(148, 103, 189))};
  seriesOfKey_[QStringLiteral("tokens_per_second")] = {
      throughput_, throughput_->addSeries(tr("tokens/s"), QColor(140, 86, 75))};

  // Validation comes every N steps: dots make single evaluations visible.
  validation_->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  validation_->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 6));

  connect(smoothing_, &QSlider::valueChanged, this, [this](int value) {
    smoothingValue_->setText(QString::number(value / 100.0, 'f', 2));
    loss_->setSmoothingWeight(value / 100.0);
    requestRedraw();
  });
  connect(logScale_, &QCheckBox::toggled, this, [this](bool on) {
    loss_->setLogScale(on);
    validation_->setLogScale(on);
    gradNorm_->setLogScale(on);
    requestRedraw();
  });
  connect(xAxis_, &QComboBox::currentIndexChanged, this,
          [this] { setXAxisKind(static_cast<XAxisKind>(xAxis_->currentData().toInt())); });
  connect(fit, &QPushButton::clicked, this, [this] {
    for (auto* chart : charts()) chart->followData();
    requestRedraw();
  });

  redrawTimer_.setSingleShot(true);
  redrawTimer_.setTimerType(Qt::PreciseTimer);
  connect(&redrawTimer_, &QTimer::timeout, this, &TrainingCharts::redraw);
}

std::vector<TrainChart*> TrainingCharts::charts() const {
  return {loss_, validation_, learningRate_, gradNorm_, throughput_};
}

void TrainingCharts::setXAxisKind(XAxisKind kind) {
  const int index = xAxis_->findData(static_cast<int>(kind));
  if (xAxis_->currentIndex() != index) xAxis_->setCurrentIndex(index);  // comes back here
  for (auto* chart : charts()) chart->setXAxisKind(kind);
  requestRedraw();
}

void TrainingCharts::add(const FeedBatch& batch) {
  // The timeline first: a step's epoch arrives after its loss.
  for (const auto& metric : batch.metrics) {
    if (!origin_) origin_ = metric.wallTime;
    if (metric.step != lastTimedStep_) {
      timeline_->addSeconds(static_cast<double>(metric.step), metric.wallTime - *origin_);
      lastTimedStep_ = metric.step;
    }
    if (metric.key == QLatin1String("epoch"))
      timeline_->addEpoch(static_cast<double>(metric.step), metric.value);
  }
  for (const auto& metric : batch.metrics) {
    const auto it = seriesOfKey_.find(metric.key);
    if (it != seriesOfKey_.end())
      it->second.first->addPoint(it->second.second, static_cast<double>(metric.step), metric.value);
  }
  for (const auto& event : batch.events) {
    // Diagnoses are about the loss curves; mark them where those are drawn.
    loss_->addEventRange(event.fromStep, event.toStep, event.kind, event.message);
    validation_->addEventRange(event.fromStep, event.toStep, event.kind, event.message);
  }
  if (!batch.metrics.empty() || !batch.events.empty()) requestRedraw();
}

void TrainingCharts::clear() {
  for (auto* chart : charts()) chart->clearData();
  origin_.reset();
  lastTimedStep_ = -1;
  requestRedraw();
}

void TrainingCharts::requestRedraw() {
  if (redrawTimer_.isActive()) return;
  const qint64 since = lastRedraw_ < 0 ? kMinRedrawIntervalMs : clock_.elapsed() - lastRedraw_;
  redrawTimer_.start(static_cast<int>(std::max<qint64>(0, kMinRedrawIntervalMs - since)));
}

void TrainingCharts::redraw() {
  bool painted = false;
  for (auto* chart : charts()) painted = chart->refresh() || painted;
  if (!painted) return;
  lastRedraw_ = clock_.elapsed();
  redrawTimes_.push_back(lastRedraw_);
}

}  // namespace tunebench::ui
