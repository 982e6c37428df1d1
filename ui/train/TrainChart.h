#pragma once
// One training chart: series of (step, value) points, an optional EMA-smoothed copy of the first
// series (TensorBoard's debiased smoothing), shaded step ranges for diagnosis events, log-y,
// mouse zoom (wheel) and pan (drag), a hover tooltip with step and value. Adding points never
// repaints: the owner calls refresh() from its redraw timer. While the user has not zoomed or
// panned, refresh() keeps every point in view; a double click returns to that.
#include <qcustomplot.h>
#include <QColor>
#include <QString>
#include <QVector>

namespace tunebench::ui {

// TensorBoard's smoothing: an exponential moving average with the start-up bias removed.
class EmaSmoother {
 public:
  explicit EmaSmoother(double weight = 0.6) : weight_(weight) {}
  // Returns the smoothed value after `value`; non-finite values leave the state alone.
  double add(double value);
  void reset() { last_ = 0, count_ = 0; }

 private:
  double weight_;
  double last_ = 0;
  int count_ = 0;
};

class TrainChart : public QCustomPlot {
  Q_OBJECT
 public:
  TrainChart(const QString& title, const QString& valueLabel, QWidget* parent = nullptr);

  // Returns the series' index.
  int addSeries(const QString& name, const QColor& color);
  // Adds a smoothed copy of series 0 (drawn over it) with this weight in [0, 1).
  void enableSmoothing(double weight);
  void setSmoothingWeight(double weight);
  double smoothingWeight() const { return smoothingWeight_; }

  void addPoint(int series, double step, double value);
  void addEventRange(qint64 fromStep, qint64 toStep, const QString& kind, const QString& message);
  void clearData();
  // Removes every series (and the smoothed copy) and every event range.
  void removeAllSeries();

  void setLogScale(bool on);
  bool logScale() const { return logScale_; }
  bool followsData() const { return follow_; }
  void followData();

  // Rescales (when following) and repaints if anything changed since the last refresh.
  // Returns whether it repainted.
  bool refresh();

  int pointCount(int series) const;
  int eventCount() const { return static_cast<int>(events_.size()); }
  QString title() const { return title_; }
  // The tooltip shown with the mouse at `pos` (widget coordinates); empty away from the data.
  QString hoverText(const QPoint& pos) const;

 protected:
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  struct EventRange {
    double from, to;
    QString kind, message;
    QCPItemRect* rect;
  };
  void recomputeSmoothed();

  QString title_;
  QVector<QCPGraph*> series_;
  QCPGraph* smoothed_ = nullptr;
  double smoothingWeight_ = 0.6;
  EmaSmoother smoother_;
  std::vector<EventRange> events_;
  bool logScale_ = false;
  bool follow_ = true;
  bool dirty_ = false;
};

QColor eventColor(const QString& kind);

}  // namespace tunebench::ui
