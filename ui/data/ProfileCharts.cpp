#include "data/ProfileCharts.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tunebench::ui {

namespace {

QCPTextElement* addTitle(QCustomPlot* plot) {
  plot->plotLayout()->insertRow(0);
  auto* title = new QCPTextElement(plot, QString(), QFont(plot->font().family(), 10, QFont::Bold));
  plot->plotLayout()->addElement(0, 0, title);
  return title;
}

QCPItemText* addCornerText(QCustomPlot* plot) {
  auto* text = new QCPItemText(plot);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.98, 0.04);
  text->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
  text->setTextAlignment(Qt::AlignRight);
  text->setPadding(QMargins(4, 2, 4, 2));
  text->setBrush(QBrush(QColor(255, 255, 255, 220)));
  text->setClipToAxisRect(true);
  return text;
}

}  // namespace

LengthHistogramChart::LengthHistogramChart(QWidget* parent) : QCustomPlot(parent) {
  setObjectName(QStringLiteral("lengthHistogram"));
  setAccessibleName(tr("Length histogram"));
  setMinimumSize(320, 220);
  title_ = addTitle(this);
  bars_ = new QCPBars(xAxis, yAxis);
  bars_->setName(tr("examples"));
  bars_->setPen(QPen(QColor(40, 90, 160)));
  bars_->setBrush(QColor(70, 130, 200, 170));
  yAxis->setLabel(tr("examples"));
  marker_ = new QCPItemStraightLine(this);
  marker_->setPen(QPen(QColor(200, 40, 40), 2, Qt::DashLine));
  marker_->setVisible(false);
  markerLabel_ = new QCPItemText(this);
  markerLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  markerLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
  markerLabel_->setColor(QColor(200, 40, 40));
  markerLabel_->setVisible(false);
  note_ = addCornerText(this);
  clearChart(QString());
}

void LengthHistogramChart::clearChart(const QString& message) {
  bars_->data()->clear();
  marker_->setVisible(false);
  markerLabel_->setVisible(false);
  title_->setText(tr("Length histogram"));
  note_->setText(message);
  note_->setVisible(!message.isEmpty());
  xAxis->setRange(0, 1);
  yAxis->setRange(0, 1);
  replot();
}

void LengthHistogramChart::showHistogram(const Histogram& histogram, const QString& title,
                                         const QString& unit, double maxLength,
                                         const QString& note) {
  bars_->data()->clear();
  title_->setText(title);
  xAxis->setLabel(unit);
  double most = 1;
  for (size_t i = 0; i < histogram.counts.size(); ++i) {
    const double from = histogram.edges[i];
    const double to = histogram.edges[i + 1];
    bars_->addData((from + to) / 2, double(histogram.counts[i]));
    bars_->setWidth(to - from);
    most = std::max(most, double(histogram.counts[i]));
  }
  const double low = histogram.edges.empty() ? 0 : histogram.edges.front();
  double high = histogram.edges.empty() ? 1 : histogram.edges.back();
  marker_->setVisible(maxLength > 0);
  markerLabel_->setVisible(maxLength > 0);
  if (maxLength > 0) {
    // The marker is drawn where it falls; a limit far beyond the longest example would squeeze
    // the bars, so then it is only named at the right edge.
    const bool near = maxLength <= std::max(high, 1.0) * 3;
    if (near) high = std::max(high, maxLength);
    const double x = near ? maxLength : high;
    marker_->point1->setCoords(x, 0);
    marker_->point2->setCoords(x, 1);
    markerLabel_->position->setCoords(x, 0.02);
    markerLabel_->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    markerLabel_->setText(near ? tr("max length %1 ").arg(maxLength)
                               : tr("max length %1 → ").arg(maxLength));
    marker_->setVisible(near);
  }
  const double pad = std::max(1.0, (high - low) * 0.03);
  xAxis->setRange(low - pad, high + pad);
  yAxis->setRange(0, most * 1.15);
  note_->setText(note);
  note_->setVisible(!note.isEmpty());
  // The note sits below the marker's label.
  note_->position->setCoords(0.98, maxLength > 0 ? 0.12 : 0.04);
  replot();
}

QVector<double> LengthHistogramChart::binCounts() const {
  QVector<double> counts;
  for (auto it = bars_->data()->constBegin(); it != bars_->data()->constEnd(); ++it)
    counts.append(it->value);
  return counts;
}

double LengthHistogramChart::markerPosition() const {
  return marker_->visible() ? marker_->point1->coords().x()
                            : std::numeric_limits<double>::quiet_NaN();
}

QString LengthHistogramChart::note() const {
  return note_->visible() ? note_->text() : QString();
}

LabelDistributionChart::LabelDistributionChart(QWidget* parent) : QCustomPlot(parent) {
  setObjectName(QStringLiteral("labelDistribution"));
  setAccessibleName(tr("Label distribution"));
  setMinimumSize(260, 220);
  title_ = addTitle(this);
  bars_ = new QCPBars(xAxis, yAxis);
  bars_->setPen(QPen(QColor(60, 120, 60)));
  bars_->setBrush(QColor(100, 170, 100, 180));
  bars_->setWidth(0.7);
  yAxis->setLabel(tr("examples"));
  message_ = new QCPItemText(this);
  message_->position->setType(QCPItemPosition::ptAxisRectRatio);
  message_->position->setCoords(0.5, 0.5);
  message_->setPositionAlignment(Qt::AlignCenter);
  clearChart(QString());
}

void LabelDistributionChart::clearChart(const QString& message) {
  bars_->data()->clear();
  labels_.clear();
  title_->setText(tr("Label distribution"));
  xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  xAxis->setRange(0, 1);
  yAxis->setRange(0, 1);
  message_->setText(message);
  message_->setVisible(!message.isEmpty());
  replot();
}

void LabelDistributionChart::showLabels(const std::map<std::string, size_t>& labels,
                                        double imbalanceRatio) {
  bars_->data()->clear();
  labels_.clear();
  auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  double most = 1;
  double position = 1;
  for (const auto& [label, count] : labels) {
    const QString name = QString::fromStdString(label);
    labels_.append(name);
    bars_->addData(position, double(count));
    ticker->addTick(position, name.isEmpty() ? tr("(empty)") : name);
    most = std::max(most, double(count));
    ++position;
  }
  xAxis->setTicker(ticker);
  xAxis->setRange(0.3, position - 0.3);
  yAxis->setRange(0, most * 1.15);
  title_->setText(
      tr("Label distribution · imbalance ratio %1").arg(QString::number(imbalanceRatio, 'f', 2)));
  message_->setVisible(false);
  replot();
}

QMap<QString, double> LabelDistributionChart::labelCounts() const {
  QMap<QString, double> counts;
  int i = 0;
  for (auto it = bars_->data()->constBegin(); it != bars_->data()->constEnd(); ++it, ++i)
    if (i < labels_.size()) counts[labels_[i]] = it->value;
  return counts;
}

QString LabelDistributionChart::title() const {
  return title_->text();
}

}  // namespace tunebench::ui
