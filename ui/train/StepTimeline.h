#pragma once
// Where the steps of one run lie on the other x-axes a chart can show: epochs (from the trainer's
// "epoch" metric) and seconds since the run started (from the metric timestamps). Known steps are
// added in any order; steps between them are interpolated linearly, steps outside them have no
// place (except step 0, which is epoch 0).
#include <QString>
#include <optional>
#include <utility>
#include <vector>

namespace tunebench::ui {

enum class XAxisKind { Step, Epoch, WallTime };

QString xAxisLabel(XAxisKind kind);

class StepTimeline {
 public:
  void addEpoch(double step, double epoch) { add(epochs_, step, epoch); }
  void addSeconds(double step, double seconds) { add(seconds_, step, seconds); }
  void clear();

  std::optional<double> epochAt(double step) const;
  std::optional<double> secondsAt(double step) const;
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
  int revision_ = 0;
};

// "1:02:03" or "2:03" for a number of seconds.
QString formatElapsed(double seconds);

}  // namespace tunebench::ui
