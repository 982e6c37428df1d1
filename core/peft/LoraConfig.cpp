#include "peft/LoraConfig.h"

#include <cmath>

namespace tunebench {

double loraScaling(const LoraConfig& config) {
  const double rank = static_cast<double>(config.r);
  return config.rslora ? config.alpha / std::sqrt(rank) : config.alpha / rank;
}

}  // namespace tunebench
