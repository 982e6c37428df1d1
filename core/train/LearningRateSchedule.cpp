#include "train/LearningRateSchedule.h"

#include <algorithm>
#include <cmath>

namespace tunebench {

double learningRateAt(const ScheduleConfig& schedule, double peak, int64_t step, int64_t totalSteps) {
  if (schedule.warmupSteps > 0 && step < schedule.warmupSteps)
    return peak * static_cast<double>(step + 1) / static_cast<double>(schedule.warmupSteps);
  const double floor = peak * schedule.minLearningRateRatio;
  const int64_t decaySteps = std::max<int64_t>(1, totalSteps - schedule.warmupSteps);
  const double progress =
      std::clamp(static_cast<double>(step - schedule.warmupSteps) / static_cast<double>(decaySteps), 0.0, 1.0);
  switch (schedule.kind) {
    case ScheduleKind::Constant: return peak;
    case ScheduleKind::Linear: return floor + (peak - floor) * (1.0 - progress);
    case ScheduleKind::Cosine: return floor + (peak - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
    case ScheduleKind::Step:
      return peak * std::pow(schedule.gamma, static_cast<double>((step - schedule.warmupSteps) / schedule.stepSize));
  }
  return peak;
}

}  // namespace tunebench
