#include "train/StepTimeline.h"

#include <QObject>
#include <algorithm>
#include <cmath>
#include <limits>

namespace tunebench::ui {

QString xAxisLabel(XAxisKind kind) {
  switch (kind) {
    case XAxisKind::Epoch:
      return QObject::tr("epoch");
    case XAxisKind::WallTime:
      return QObject::tr("time since start (h:mm:ss)");
    case XAxisKind::ShareOfRun:
      return QObject::tr("share of the run (%)");
    case XAxisKind::Step:
      break;
  }
  return QObject::tr("step");
}

QString formatElapsed(double seconds) {
  const auto total = static_cast<qint64>(std::llround(std::max(0.0, seconds)));
  const auto h = total / 3600, m = total % 3600 / 60, s = total % 60;
  if (h > 0)
    return QStringLiteral("%1:%2:%3")
        .arg(h)
        .arg(m, 2, 10, QLatin1Char('0'))
        .arg(s, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

void StepTimeline::setLastStep(double step) {
  if (!std::isfinite(step) || step == lastStep_) return;
  lastStep_ = step;
  ++revision_;
}

void StepTimeline::clear() {
  epochs_.clear();
  seconds_.clear();
  lastStep_ = 0;
  ++revision_;
}

void StepTimeline::add(Points& points, double step, double value) {
  if (!std::isfinite(step) || !std::isfinite(value)) return;
  ++revision_;
  // Points nearly always come in step order: appending is the common case.
  if (points.empty() || points.back().first < step) {
    points.emplace_back(step, value);
    return;
  }
  auto it =
      std::lower_bound(points.begin(), points.end(),
                       std::pair<double, double>(step, -std::numeric_limits<double>::infinity()));
  if (it != points.end() && it->first == step)
    it->second = value;
  else
    points.insert(it, {step, value});
}

std::optional<double> StepTimeline::interpolate(const Points& points, double step) {
  if (points.empty() || step < points.front().first || step > points.back().first)
    return std::nullopt;
  auto upper =
      std::lower_bound(points.begin(), points.end(),
                       std::pair<double, double>(step, -std::numeric_limits<double>::infinity()));
  if (upper->first == step) return upper->second;
  const auto lower = upper - 1;
  const double t = (step - lower->first) / (upper->first - lower->first);
  return lower->second + t * (upper->second - lower->second);
}

std::optional<double> StepTimeline::epochAt(double step) const {
  // Before the first step nothing of the data has been seen.
  if (step == 0) return 0.0;
  if (!epochs_.empty() && step < epochs_.front().first && step > 0) {
    const auto& first = epochs_.front();
    return first.second * step / first.first;
  }
  return interpolate(epochs_, step);
}

std::optional<double> StepTimeline::secondsAt(double step) const {
  return interpolate(seconds_, step);
}

std::optional<double> StepTimeline::shareAt(double step) const {
  if (lastStep_ <= 0 || step < 0 || step > lastStep_) return std::nullopt;
  return 100.0 * step / lastStep_;
}

std::optional<double> StepTimeline::at(XAxisKind kind, double step) const {
  switch (kind) {
    case XAxisKind::Epoch:
      return epochAt(step);
    case XAxisKind::WallTime:
      return secondsAt(step);
    case XAxisKind::ShareOfRun:
      return shareAt(step);
    case XAxisKind::Step:
      break;
  }
  return step;
}

bool StepTimeline::knows(XAxisKind kind) const {
  if (kind == XAxisKind::Epoch) return !epochs_.empty();
  if (kind == XAxisKind::WallTime) return !seconds_.empty();
  if (kind == XAxisKind::ShareOfRun) return lastStep_ > 0;
  return true;
}

}  // namespace tunebench::ui
