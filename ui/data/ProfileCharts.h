#pragma once
// The two charts of the dataset profile: a length histogram (bars over the core's equal-width
// bins, with an optional vertical marker at the training maximum length and a note written on
// the chart), and the label distribution (one bar per label, the imbalance ratio in the title).
#include <qcustomplot.h>
#include <QMap>
#include <QString>
#include <QVector>

#include "data/DatasetProfile.h"

namespace tunebench::ui {

class LengthHistogramChart : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LengthHistogramChart(QWidget* parent = nullptr);
  // `unit` names the x axis ("tokens", "words"); maxLength <= 0: no marker.
  void showHistogram(const Histogram& histogram, const QString& title, const QString& unit,
                     double maxLength, const QString& note);
  void clearChart(const QString& message);
  QVector<double> binCounts() const;
  double markerPosition() const;  // NaN without a marker
  QString note() const;

 private:
  QCPTextElement* title_;
  QCPBars* bars_;
  QCPItemStraightLine* marker_;
  QCPItemText* markerLabel_;
  QCPItemText* note_;
};

class LabelDistributionChart : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LabelDistributionChart(QWidget* parent = nullptr);
  void showLabels(const std::map<std::string, size_t>& labels, double imbalanceRatio);
  void clearChart(const QString& message);
  QMap<QString, double> labelCounts() const;
  QString title() const;

 private:
  QCPTextElement* title_;
  QCPBars* bars_;
  QCPItemText* message_;
  QVector<QString> labels_;
};

}  // namespace tunebench::ui
