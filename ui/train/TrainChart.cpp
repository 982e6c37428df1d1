#include "train/TrainChart.h"

#include <QToolTip>
#include <algorithm>
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
    : QCustomPlot(parent), title_(title), timeline_(std::make_shared<StepTimeline>()) {
  setObjectName(title);
  setAccessibleName(title);
  setMinimumSize(260, 180);
  plotLayout()->insertRow(0);
  plotLayout()->addElement(
      0, 0, new QCPTextElement(this, title, QFont(font().family(), 10, QFont::Bold)));
  xAxis->setLabel(xAxisLabel(XAxisKind::Step));
  yAxis->setLabel(valueLabel);
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setMouseTracking(true);
  // Any zoom or pan by the user stops the chart from following new points; a click on the
  // legend is neither.
  connect(this, &QCustomPlot::mouseWheel, this, [this] { follow_ = false; });
  connect(this, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (legend->visible() && legend->outerRect().contains(event->pos())) return;
    follow_ = false;
  });
  connect(this, &QCustomPlot::legendClick, this,
          [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
            if (!legendToggles_) return;
            for (int i = 0; i < seriesCount(); ++i)
              if (legendItemOf(i) == item) {
                const qint64 group = series_[i].group;
                setGroupVisible(group, !isGroupVisible(group));
                refresh();
                return;
              }
          });
  setNoAntialiasingOnDrag(true);
  // One polyline call per graph instead of a segment per point pair: several times faster for
  // wide pens (the smoothed curves), at the price of plainer line joins.
  setPlottingHint(QCP::phFastPolylines, true);
}

int TrainChart::addSeries(const QString& name, const QColor& color, qint64 group,
                          std::shared_ptr<const StepTimeline> timeline) {
  const bool groupListed =
      group >= 0 && std::any_of(series_.begin(), series_.end(),
                                [group](const Series& series) { return series.group == group; });
  Series series;
  series.graph = addGraph();
  series.graph->setName(name);
  series.graph->setPen(QPen(color, 1.2));
  // One legend entry per group: the first series names it.
  if (groupListed) series.graph->removeFromLegend();
  series.group = group;
  series.timeline = timeline ? std::move(timeline) : timeline_;
  series.smoother = EmaSmoother(smoothingWeight_);
  series_.push_back(std::move(series));
  if (legend->itemCount() > 1 || series_.front().smoothed) legend->setVisible(true);
  return seriesCount() - 1;
}

void TrainChart::enableSmoothing(double weight) {
  if (series_.empty() || series_.front().smoothed) return;
  smoothingWeight_ = std::clamp(weight, 0.0, 0.999);
  addSmoothedCopy(series_.front(), 2);
  // Both in the legend: the raw curve and its smoothed copy.
  series_.front().smoothed->setName(series_.front().graph->name() + tr(" (smoothed)"));
  series_.front().smoothed->addToLegend();
  legend->setVisible(true);
}

void TrainChart::smoothSeries(int index) {
  if (index < 0 || index >= seriesCount() || series_[index].smoothed) return;
  auto& series = series_[index];
  // Hairlines: an antialiased line wider than one pixel is stroked as a polygon, which costs
  // most of a redraw with ten runs.
  addSmoothedCopy(series, 1);
  // The legend names the series by its smoothed copy, the line that stands out.
  if (legend->hasItemWithPlottable(series.graph)) {
    series.smoothed->setName(series.graph->name());
    series.graph->removeFromLegend();
    series.smoothed->addToLegend();
  }
}

void TrainChart::addSmoothedCopy(Series& series, double width) {
  series.smoothed = addGraph();
  series.smoothed->setName(series.graph->name() + tr(" (smoothed)"));
  series.smoothed->removeFromLegend();
  series.smoothed->setVisible(series.graph->visible());
  QColor raw = series.graph->pen().color();
  QPen pen = series.graph->pen();
  pen.setColor(raw.darker(160));
  pen.setWidthF(width);
  series.smoothed->setPen(pen);
  raw.setAlpha(90);
  pen.setColor(raw);
  pen.setWidthF(1);
  series.graph->setPen(pen);
  // The faint raw curve under its smoothed copy needs no antialiasing, which would cost most of
  // a redraw with ten runs of noisy points.
  series.graph->setAntialiased(false);
  remap(series);
}

void TrainChart::setSmoothingWeight(double weight) {
  smoothingWeight_ = std::clamp(weight, 0.0, 0.999);
  for (auto& series : series_)
    if (series.smoothed) remap(series);
}

double TrainChart::smoothingOf(Series& series, double value) {
  return series.smoothed ? series.smoother.add(value) : value;
}

void TrainChart::place(Series& series, double step, double value, double smoothedValue) {
  const auto x = series.timeline->at(xAxisKind_, step);
  // Keys must grow with the steps, so that a point's index in the graph finds its step.
  if (!x || (!series.shownSteps.isEmpty() && *x < (series.graph->data()->constEnd() - 1)->key)) {
    ++series.unplaced;
    return;
  }
  series.graph->addData(*x, value);
  series.shownSteps.append(step);
  if (series.smoothed) series.smoothed->addData(*x, smoothedValue);
}

void TrainChart::remap(Series& series) {
  series.graph->data()->clear();
  if (series.smoothed) series.smoothed->data()->clear();
  series.shownSteps.clear();
  series.unplaced = 0;
  series.smoother = EmaSmoother(smoothingWeight_);
  QVector<double> keys, values, smoothed;
  keys.reserve(static_cast<int>(series.raw.size()));
  values.reserve(keys.capacity());
  series.shownSteps.reserve(keys.capacity());
  for (const auto& point : series.raw) {
    const double smoothedValue = smoothingOf(series, point.value);
    const auto x = series.timeline->at(xAxisKind_, point.key);
    if (!x || (!keys.isEmpty() && *x < keys.back())) {
      ++series.unplaced;
      continue;
    }
    keys.append(*x);
    values.append(point.value);
    series.shownSteps.append(point.key);
    if (series.smoothed) smoothed.append(smoothedValue);
  }
  series.graph->setData(keys, values, true);
  if (series.smoothed) series.smoothed->setData(keys, smoothed, true);
  series.placedAtRevision = series.timeline->revision();
  dirty_ = true;
}

void TrainChart::addPoint(int index, double step, double value) {
  if (index < 0 || index >= seriesCount()) return;
  auto& series = series_[index];
  series.raw.push_back({step, value});
  place(series, step, value, smoothingOf(series, value));
  dirty_ = true;
}

void TrainChart::addPoints(int index, const QVector<double>& steps, const QVector<double>& values) {
  if (index < 0 || index >= seriesCount()) return;
  auto& series = series_[index];
  series.raw.reserve(series.raw.size() + steps.size());
  for (int i = 0; i < steps.size() && i < values.size(); ++i)
    series.raw.push_back({steps[i], values[i]});
  remap(series);
}

void TrainChart::addEventRange(qint64 fromStep, qint64 toStep, const QString& kind,
                               const QString& message) {
  auto* rect = new QCPItemRect(this);
  rect->setClipToAxisRect(true);
  for (auto* corner : {rect->topLeft, rect->bottomRight}) {
    corner->setTypeX(QCPItemPosition::ptPlotCoords);
    corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  rect->setPen(Qt::NoPen);
  rect->setBrush(eventColor(kind));
  rect->setLayer(QStringLiteral("background"));
  events_.push_back(
      {static_cast<double>(fromStep), static_cast<double>(toStep), kind, message, rect});
  placeEvent(events_.back());
  dirty_ = true;
}

void TrainChart::placeEvent(EventRange& event) {
  if (xAxisKind_ == XAxisKind::Step) {
    event.rect->topLeft->setCoords(event.from - 0.5, 0);
    event.rect->bottomRight->setCoords(event.to + 0.5, 1);
    event.rect->setVisible(true);
    return;
  }
  const auto from = timeline_->at(xAxisKind_, event.from);
  const auto to = timeline_->at(xAxisKind_, event.to);
  event.rect->setVisible(from && to);
  if (from && to) {
    event.rect->topLeft->setCoords(*from, 0);
    event.rect->bottomRight->setCoords(*to, 1);
  }
}

void TrainChart::clearData() {
  for (auto& series : series_) {
    series.raw.clear();
    series.shownSteps.clear();
    series.unplaced = 0;
    series.graph->data()->clear();
    if (series.smoothed) series.smoothed->data()->clear();
    series.smoother = EmaSmoother(smoothingWeight_);
  }
  timeline_->clear();
  for (auto& event : events_) removeItem(event.rect);
  events_.clear();
  follow_ = true;
  dirty_ = true;
}

void TrainChart::removeAllSeries() {
  clearData();
  clearGraphs();
  series_.clear();
  legend->setVisible(false);
}

void TrainChart::setXAxisKind(XAxisKind kind) {
  if (kind == xAxisKind_) return;
  xAxisKind_ = kind;
  xAxis->setLabel(xAxisLabel(kind));
  if (kind == XAxisKind::WallTime) {
    auto ticker = QSharedPointer<QCPAxisTickerTime>::create();
    ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
    xAxis->setTicker(ticker);
  } else {
    xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  for (auto& series : series_) remap(series);
  for (auto& event : events_) placeEvent(event);
  followData();
}

void TrainChart::setTimeline(std::shared_ptr<StepTimeline> timeline) {
  for (auto& series : series_)
    if (series.timeline == timeline_) series.timeline = timeline;
  timeline_ = std::move(timeline);
}

int TrainChart::unplacedPointCount(int series) const {
  return series >= 0 && series < seriesCount() ? series_[series].unplaced : 0;
}

void TrainChart::setGroupVisible(qint64 group, bool visible) {
  for (int i = 0; i < seriesCount(); ++i) {
    auto& series = series_[i];
    if (series.group != group) continue;
    series.graph->setVisible(visible);
    if (series.smoothed) series.smoothed->setVisible(visible);
    if (auto* item = dynamic_cast<QCPPlottableLegendItem*>(legendItemOf(i))) {
      item->setTextColor(visible ? Qt::black : Qt::gray);
      QFont font = item->font();
      font.setStrikeOut(!visible);
      item->setFont(font);
    }
  }
  follow_ = true;
  dirty_ = true;
  emit groupVisibilityChanged(group, visible);
}

bool TrainChart::isGroupVisible(qint64 group) const {
  for (const auto& series : series_)
    if (series.group == group) return series.graph->visible();
  return false;
}

QCPAbstractLegendItem* TrainChart::legendItemOf(int series) const {
  if (series < 0 || series >= seriesCount()) return nullptr;
  if (auto* item = legend->itemWithPlottable(series_[series].graph)) return item;
  return series_[series].smoothed ? legend->itemWithPlottable(series_[series].smoothed) : nullptr;
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
  // Points that found no place may have one now that the timeline knows more.
  if (xAxisKind_ != XAxisKind::Step)
    for (auto& series : series_)
      if (series.unplaced > 0 && series.placedAtRevision != series.timeline->revision())
        remap(series);
  if (!dirty_) return false;
  dirty_ = false;
  listSeriesWithData();
  if (follow_) {
    // Every shown curve, raw and smoothed, inside the plot with a margin: no point on an edge.
    QCPRange keys, values;
    bool any = false;
    for (const auto& series : series_) {
      for (const QCPGraph* graph : {series.graph, series.smoothed}) {
        if (!graph || !graph->visible() || graph->data()->isEmpty()) continue;
        bool keysFound = false, valuesFound = false;
        const auto k = graph->getKeyRange(keysFound);
        const auto v = graph->getValueRange(valuesFound, logScale_ ? QCP::sdPositive : QCP::sdBoth);
        if (!keysFound || !valuesFound) continue;
        if (any) {
          keys.expand(k);
          values.expand(v);
        } else {
          keys = k;
          values = v;
          any = true;
        }
      }
    }
    if (any) {
      double from = keys.lower, to = keys.upper;
      for (const auto& event : events_)
        if (event.rect->visible()) to = std::max(to, event.rect->bottomRight->coords().x());
      const double keyPad =
          to > from ? 0.03 * (to - from) : (xAxisKind_ == XAxisKind::Step ? 1 : 0.5);
      xAxis->setRange(from - keyPad, to + keyPad);
      if (logScale_) {
        yAxis->setRange(values.lower / 1.15, values.upper * 1.15);
      } else {
        const double span = values.upper - values.lower;
        const double valuePad =
            span > 0 ? 0.06 * span : std::max(0.05 * std::abs(values.upper), 1e-3);
        yAxis->setRange(values.lower - valuePad, values.upper + valuePad);
      }
    }
  }
  replot();
  return true;
}

void TrainChart::listSeriesWithData() {
  // A series without points yet (validation accuracy of a language-model run) is not listed.
  for (const auto& series : series_) {
    const bool empty = series.graph->data()->isEmpty();
    for (QCPGraph* graph : {series.graph, series.smoothed}) {
      if (!graph) continue;
      if (empty && legend->hasItemWithPlottable(graph)) {
        graph->removeFromLegend();
        waitingForPoints_.insert(graph);
      } else if (!empty && waitingForPoints_.remove(graph)) {
        graph->addToLegend();
      }
    }
  }
  legend->setVisible(legend->itemCount() > 1 ||
                     (legend->itemCount() == 1 && !series_.empty() && series_.front().smoothed));
}

int TrainChart::pointCount(int series) const {
  if (series < 0 || series >= seriesCount()) return 0;
  return series_[series].graph->data()->size();
}

QCPGraph* TrainChart::seriesGraph(int series) const {
  return series >= 0 && series < seriesCount() ? series_[series].graph : nullptr;
}

QString TrainChart::describePoint(const Series& series, const QCPGraph* graph, int index) const {
  const double step = series.shownSteps.value(index);
  QString text = tr("%1\nstep %2: %3")
                     .arg(graph->name())
                     .arg(static_cast<qint64>(std::llround(step)))
                     .arg(graph->data()->at(index)->value, 0, 'g', 5);
  QStringList where;
  if (series.timeline->knows(XAxisKind::Epoch))
    if (const auto epoch = series.timeline->epochAt(step))
      where << tr("epoch %1").arg(*epoch, 0, 'f', 2);
  if (const auto seconds = series.timeline->secondsAt(step))
    where << tr("time %1").arg(formatElapsed(*seconds));
  if (!where.isEmpty()) text += QStringLiteral("\n") + where.join(QStringLiteral(" · "));
  return text;
}

QString TrainChart::hoverText(const QPoint& pos) const {
  // A few pixels of slack: the first and the highest points lie on the border.
  if (!axisRect()->rect().adjusted(-4, -4, 4, 4).contains(pos)) return {};
  const double x = xAxis->pixelToCoord(pos.x());
  QString best;
  double bestDistance = 12;  // pixels
  auto consider = [&](const Series& series, const QCPGraph* graph) {
    if (!graph || !graph->visible() || graph->data()->isEmpty()) return;
    auto it = graph->data()->findBegin(x, true);
    for (int i = 0; i < 2 && it != graph->data()->constEnd(); ++i, ++it) {
      const double dx = xAxis->coordToPixel(it->key) - pos.x();
      const double dy = yAxis->coordToPixel(it->value) - pos.y();
      const double distance = std::hypot(dx, dy);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = describePoint(series, graph, static_cast<int>(it - graph->data()->constBegin()));
      }
    }
  };
  for (const auto& series : series_) {
    consider(series, series.graph);
    consider(series, series.smoothed);
  }
  for (const auto& event : events_) {
    if (!event.rect->visible()) continue;
    const double from = event.rect->topLeft->coords().x();
    const double to = event.rect->bottomRight->coords().x();
    if (x >= from && x <= to)
      best +=
          (best.isEmpty() ? QString() : QStringLiteral("\n")) + tr("%1 (steps %2–%3): %4")
                                                                    .arg(event.kind)
                                                                    .arg(std::llround(event.from))
                                                                    .arg(std::llround(event.to))
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
