#pragma once
// One training chart: series of (step, value) points, EMA-smoothed copies of chosen series
// (TensorBoard's debiased smoothing), shaded step ranges for diagnosis events, log-y, mouse zoom
// (wheel) and pan (drag), a hover tooltip with step, value, epoch and time. The x-axis shows steps,
// epochs or time since the run started; each series keeps its steps and maps them through its
// run's StepTimeline, so switching the axis needs no new data. Series of the same group (a run)
// can be hidden and shown together, also by clicking their legend item. Adding points never
// repaints: the owner calls refresh() from its redraw timer. While the user has not zoomed or
// panned, refresh() keeps every visible point in view; a double click returns to that.
#include <qcustomplot.h>
#include <QColor>
#include <QSet>
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

#include "train/StepTimeline.h"

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

  // Returns the series' index. Series of one group share a legend entry's toggle; a series
  // without a timeline uses the chart's own (timeline()).
  int addSeries(const QString& name, const QColor& color, qint64 group = -1,
                std::shared_ptr<const StepTimeline> timeline = nullptr);
  // Adds a smoothed copy of series 0 (drawn over it) with this weight in [0, 1).
  void enableSmoothing(double weight);
  // Adds a smoothed copy of this series, drawn over it with the chart's weight; the legend then
  // shows the copy under the series' name.
  void smoothSeries(int series);
  void setSmoothingWeight(double weight);
  double smoothingWeight() const { return smoothingWeight_; }

  void addPoint(int series, double step, double value);
  // Adds many points of one series at once (steps in increasing order).
  void addPoints(int series, const QVector<double>& steps, const QVector<double>& values);
  void addEventRange(qint64 fromStep, qint64 toStep, const QString& kind, const QString& message);
  void clearData();
  // Removes every series (and the smoothed copies) and every event range.
  void removeAllSeries();

  // The chart's own timeline, for series added without one and for event ranges (the Train
  // panel's live run). Charts of one run can share one; set it before adding series.
  StepTimeline& timeline() { return *timeline_; }
  void setTimeline(std::shared_ptr<StepTimeline> timeline);
  void setXAxisKind(XAxisKind kind);
  XAxisKind xAxisKind() const { return xAxisKind_; }
  // Series whose points have no place on the current x-axis (their run recorded no epochs...).
  int unplacedPointCount(int series) const;

  // Legend items toggle their group when clicked.
  void setLegendToggles(bool on) { legendToggles_ = on; }
  void setGroupVisible(qint64 group, bool visible);
  bool isGroupVisible(qint64 group) const;
  // The legend item of a series (nullptr when it has none).
  QCPAbstractLegendItem* legendItemOf(int series) const;

  void setLogScale(bool on);
  bool logScale() const { return logScale_; }
  bool followsData() const { return follow_; }
  void followData();

  // Rescales (when following) and repaints if anything changed since the last refresh.
  // Returns whether it repainted.
  bool refresh();

  int seriesCount() const { return static_cast<int>(series_.size()); }
  int pointCount(int series) const;
  QCPGraph* seriesGraph(int series) const;
  int eventCount() const { return static_cast<int>(events_.size()); }
  QString title() const { return title_; }
  // The tooltip shown with the mouse at `pos` (widget coordinates); empty away from the data.
  QString hoverText(const QPoint& pos) const;

 signals:
  void groupVisibilityChanged(qint64 group, bool visible);

 protected:
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  struct Series {
    QCPGraph* graph = nullptr;
    QCPGraph* smoothed = nullptr;
    qint64 group = -1;
    std::shared_ptr<const StepTimeline> timeline;
    std::vector<QCPGraphData> raw;  // (step, value), in step order
    QVector<double> shownSteps;     // the step of each point of graph, in the same order
    EmaSmoother smoother;
    int unplaced = 0;
    int placedAtRevision = -1;
  };
  struct EventRange {
    double from, to;  // steps
    QString kind, message;
    QCPItemRect* rect;
  };
  void addSmoothedCopy(Series& series, double width);
  void listSeriesWithData();
  void place(Series& series, double step, double value, double smoothedValue);
  void remap(Series& series);
  void placeEvent(EventRange& event);
  double smoothingOf(Series& series, double value);
  QString describePoint(const Series& series, const QCPGraph* graph, int index) const;

  QString title_;
  std::vector<Series> series_;
  std::shared_ptr<StepTimeline> timeline_;
  XAxisKind xAxisKind_ = XAxisKind::Step;
  double smoothingWeight_ = 0.6;
  std::vector<EventRange> events_;
  bool legendToggles_ = false;
  bool logScale_ = false;
  bool follow_ = true;
  QSet<QCPGraph*> waitingForPoints_;  // listed once they have points
  bool dirty_ = false;
};

QColor eventColor(const QString& kind);

}  // namespace tunebench::ui
