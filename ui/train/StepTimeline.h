#pragma once
// Where the steps of one run lie on the other x-axes a chart can show: epochs (from the trainer's
// "epoch" metric), seconds since the run started (from the metric timestamps) and the share of the
// run done (from its last step, so runs of different lengths line up). Known steps are
// added in any order; steps between them are interpolated linearly, steps outside them have no
// place (except step 0, which is epoch 0).
#include <QString>
#include <optional>
#include <utility>
#include <vector>

namespace tunebench::ui {

enum class XAxisKind { Step, Epoch, WallTime, ShareOfRun };

QString xAxisLabel(XAxisKind kind);

class StepTimeline {
 public:
  void addEpoch(double step, double epoch) { add(epochs_, step, epoch); }
  void addSeconds(double step, double seconds) { add(seconds_, step, seconds); }
  // The run's last step: the share axis puts it at 100 %.
  void setLastStep(double step);
  void clear();

  std::optional<double> epochAt(double step) const;
  std::optional<double> secondsAt(double step) const;
  std::optional<double> shareAt(double step) const;  // percent
  // The step itself for XAxisKind::Step.
  std::optional<double> at(XAxisKind kind, double step) const;
  bool knows(XAxisKind kind) const;
  // Grows with every addition: charts remap points they could not place before.
  int revision() const { return revision_; }

 private:
  using Points = std::vector<std::pair<double, double>>;
  void add(Points& points, double step, double value);
  static std::optional<double> interpolate(const Points& points, double step);

  Points epochs_;
  Points seconds_;
  double lastStep_ = 0;
  int revision_ = 0;
};

// "1:02:03" or "2:03" for a number of seconds.
QString formatElapsed(double seconds);

}  // namespace tunebench::ui
