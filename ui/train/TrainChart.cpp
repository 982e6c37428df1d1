#include "train/TrainChart.h"

#include <QToolTip>
#include <cmath>
#include <limits>

namespace tunebench::ui {

double EmaSmoother::add(double value) {
  if (!std::isfinite(value)) return count_ > 0 ? last_ / (1 - std::pow(weight_, count_)) : value;
  last_ = last_ * weight_ + (1 - weight_) * value;
  ++count_;
  const double debias = weight_ > 0 ? 1 - std::pow(weight_, count_) : 1;
  return last_ / debias;
}

QColor eventColor(const QString& kind) {
  if (kind == QLatin1String("divergence") || kind == QLatin1String("non-finite"))
    return QColor(220, 40, 40, 60);
  if (kind == QLatin1String("overfitting")) return QColor(230, 140, 20, 60);
  if (kind == QLatin1String("fluctuation")) return QColor(160, 80, 200, 50);
  return QColor(120, 120, 120, 50);  // underfitting and anything else
}

TrainChart::TrainChart(const QString& title, const QString& valueLabel, QWidget* parent)
    : QCustomPlot(parent), title_(title) {
  setObjectName(title);
  setAccessibleName(title);
  setMinimumSize(260, 180);
  plotLayout()->insertRow(0);
  plotLayout()->addElement(
      0, 0, new QCPTextElement(this, title, QFont(font().family(), 10, QFont::Bold)));
  xAxis->setLabel(tr("step"));
  yAxis->setLabel(valueLabel);
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setMouseTracking(true);
  // Any zoom or pan by the user stops the chart from following new points.
  connect(this, &QCustomPlot::mouseWheel, this, [this] { follow_ = false; });
  connect(this, &QCustomPlot::mousePress, this, [this] { follow_ = false; });
  setNoAntialiasingOnDrag(true);
}

int TrainChart::addSeries(const QString& name, const QColor& color) {
  auto* graph = addGraph();
  graph->setName(name);
  graph->setPen(QPen(color, 1.2));
  series_.append(graph);
  if (series_.size() > 1 || smoothed_) legend->setVisible(true);
  return series_.size() - 1;
}

void TrainChart::enableSmoothing(double weight) {
  if (smoothed_ || series_.isEmpty()) return;
  smoothed_ = addGraph();
  smoothed_->setName(series_.front()->name() + tr(" (smoothed)"));
  QColor raw = series_.front()->pen().color();
  smoothed_->setPen(QPen(raw.darker(160), 2));
  raw.setAlpha(90);
  series_.front()->setPen(QPen(raw, 1));
  legend->setVisible(true);
  setSmoothingWeight(weight);
}

void TrainChart::setSmoothingWeight(double weight) {
  smoothingWeight_ = std::clamp(weight, 0.0, 0.999);
  recomputeSmoothed();
}

void TrainChart::recomputeSmoothed() {
  if (!smoothed_) return;
  smoother_ = EmaSmoother(smoothingWeight_);
  QVector<double> keys, values;
  for (auto it = series_.front()->data()->constBegin(); it != series_.front()->data()->constEnd();
       ++it) {
    keys.append(it->key);
    values.append(smoother_.add(it->value));
  }
  smoothed_->setData(keys, values, true);
  dirty_ = true;
}

void TrainChart::addPoint(int series, double step, double value) {
  if (series < 0 || series >= series_.size()) return;
  series_[series]->addData(step, value);
  if (series == 0 && smoothed_) smoothed_->addData(step, smoother_.add(value));
  dirty_ = true;
}

void TrainChart::addEventRange(qint64 fromStep, qint64 toStep, const QString& kind,
                               const QString& message) {
  auto* rect = new QCPItemRect(this);
  rect->setClipToAxisRect(true);
  for (auto* corner : {rect->topLeft, rect->bottomRight}) {
    corner->setTypeX(QCPItemPosition::ptPlotCoords);
    corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  const double from = static_cast<double>(fromStep) - 0.5, to = static_cast<double>(toStep) + 0.5;
  rect->topLeft->setCoords(from, 0);
  rect->bottomRight->setCoords(to, 1);
  rect->setPen(Qt::NoPen);
  rect->setBrush(eventColor(kind));
  rect->setLayer(QStringLiteral("background"));
  events_.push_back({from, to, kind, message, rect});
  dirty_ = true;
}

void TrainChart::clearData() {
  for (auto* graph : series_) graph->data()->clear();
  if (smoothed_) smoothed_->data()->clear();
  smoother_ = EmaSmoother(smoothingWeight_);
  for (auto& event : events_) removeItem(event.rect);
  events_.clear();
  follow_ = true;
  dirty_ = true;
}

void TrainChart::removeAllSeries() {
  clearData();
  clearGraphs();
  series_.clear();
  smoothed_ = nullptr;
  legend->setVisible(false);
}

void TrainChart::setLogScale(bool on) {
  if (logScale_ == on) return;
  logScale_ = on;
  yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on)
    yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else
    yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  dirty_ = true;
}

void TrainChart::followData() {
  follow_ = true;
  dirty_ = true;
}

bool TrainChart::refresh() {
  if (!dirty_) return false;
  dirty_ = false;
  if (follow_) {
    bool any = false;
    for (auto* graph : series_) {
      if (graph->data()->isEmpty()) continue;
      graph->rescaleAxes(any);
      any = true;
    }
    if (any && xAxis->range().size() < 1)
      xAxis->setRange(xAxis->range().center(), 2, Qt::AlignCenter);
    for (const auto& event : events_)
      if (any && event.to > xAxis->range().upper) xAxis->setRangeUpper(event.to);
  }
  replot();
  return true;
}

int TrainChart::pointCount(int series) const {
  if (series < 0 || series >= series_.size()) return 0;
  return series_[series]->data()->size();
}

QString TrainChart::hoverText(const QPoint& pos) const {
  // A few pixels of slack: the first and the highest points lie on the border.
  if (!axisRect()->rect().adjusted(-4, -4, 4, 4).contains(pos)) return {};
  const double step = xAxis->pixelToCoord(pos.x());
  QString best;
  double bestDistance = 12;  // pixels
  auto consider = [&](const QCPGraph* graph) {
    if (!graph->visible() || graph->data()->isEmpty()) return;
    auto it = graph->data()->findBegin(step, true);
    for (int i = 0; i < 2 && it != graph->data()->constEnd(); ++i, ++it) {
      const double dx = xAxis->coordToPixel(it->key) - pos.x();
      const double dy = yAxis->coordToPixel(it->value) - pos.y();
      const double distance = std::hypot(dx, dy);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = tr("%1\nstep %2: %3")
                   .arg(graph->name())
                   .arg(static_cast<qint64>(std::llround(it->key)))
                   .arg(it->value, 0, 'g', 5);
      }
    }
  };
  for (const auto* graph : series_) consider(graph);
  if (smoothed_) consider(smoothed_);
  for (const auto& event : events_) {
    if (step >= event.from && step <= event.to)
      best += (best.isEmpty() ? QString() : QStringLiteral("\n")) +
              tr("%1 (steps %2–%3): %4")
                  .arg(event.kind)
                  .arg(std::llround(event.from + 0.5))
                  .arg(std::llround(event.to - 0.5))
                  .arg(event.message);
  }
  return best;
}

void TrainChart::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  const QString text = hoverText(event->pos());
  if (text.isEmpty())
    QToolTip::hideText();
  else
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void TrainChart::mouseDoubleClickEvent(QMouseEvent* event) {
  QCustomPlot::mouseDoubleClickEvent(event);
  followData();
  refresh();
}

}  // namespace tunebench::ui
