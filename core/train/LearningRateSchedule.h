#pragma once
#include <cstdint>

#include "train/TrainingConfig.h"

namespace tunebench {

// Learning rate for optimiser step `step` (0-based) of `totalSteps`: linear warmup from 0, then
// constant, linear decay, cosine decay (both down to minLearningRateRatio × peak) or step decay.
double learningRateAt(const ScheduleConfig& schedule, double peak, int64_t step, int64_t totalSteps);

}  // namespace tunebench
