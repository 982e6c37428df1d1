#include "train/Diagnosis.h"

#include <algorithm>
#include <cmath>

namespace tunebench {

namespace {

enum Kind { Underfitting = 0, Overfitting = 1, Fluctuation = 2, Divergence = 3 };

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

std::vector<DiagnosisEvent> TrainingDiagnosis::addTrainingLoss(int64_t step, double loss) {
  std::vector<DiagnosisEvent> events;
  if (!std::isfinite(loss)) return events;  // non-finite steps are handled by the trainer
  if (recent_.size() >= settings_.window / 5) {
    std::vector<double> values;
    for (const auto& item : recent_) values.push_back(item.second);
    const double middle = median(values);
    if (middle > 0 && loss > settings_.divergenceFactor * middle && step > quietUntil_[Divergence]) {
      events.push_back({"divergence", recent_.front().first, step,
                        "loss " + number(loss) + " is more than " + number(settings_.divergenceFactor) +
                            "× the recent median " + number(middle),
                        "lower the learning rate, add warmup, or clip gradients harder"});
      quietUntil_[Divergence] = step + static_cast<int64_t>(settings_.window);
    }
  }
  recent_.emplace_back(step, loss);
  if (recent_.size() > settings_.window) recent_.pop_front();
  if (recent_.size() < settings_.window) return events;

  const size_t quarter = settings_.window / 4;
  const size_t n = recent_.size();
  double first = 0, last = 0, mean = 0;
  for (size_t i = 0; i < quarter; ++i) first += recent_[i].second / quarter;
  for (size_t i = n - quarter; i < n; ++i) last += recent_[i].second / quarter;
  for (const auto& item : recent_) mean += item.second / n;
  // Fluctuation is spread around the trend, not the trend itself: residuals of a straight-line fit.
  const double centre = (n - 1) / 2.0;
  double slopeNumerator = 0, slopeDenominator = 0;
  for (size_t i = 0; i < n; ++i) {
    slopeNumerator += (i - centre) * (recent_[i].second - mean);
    slopeDenominator += (i - centre) * (i - centre);
  }
  const double slope = slopeNumerator / slopeDenominator;
  double variance = 0;
  for (size_t i = 0; i < n; ++i) {
    const double residual = recent_[i].second - (mean + slope * (i - centre));
    variance += residual * residual / n;
  }
  const int64_t from = recent_.front().first;

  if (first > 0 && (first - last) / first < settings_.flatRelativeChange && step > quietUntil_[Underfitting]) {
    events.push_back({"underfitting", from, step,
                      "training loss changed by less than " +
                          number(settings_.flatRelativeChange * 100) + " % over " +
                          std::to_string(settings_.window) + " steps (" + number(first) + " → " +
                          number(last) + ")",
                      "raise the learning rate, train more parameters (higher LoRA rank, fewer "
                      "frozen layers) or check that labels carry loss"});
    quietUntil_[Underfitting] = step + static_cast<int64_t>(settings_.window);
  }
  if (mean > 0 && std::sqrt(variance) / mean > settings_.fluctuationRelativeStd &&
      step > quietUntil_[Fluctuation]) {
    events.push_back({"fluctuation", from, step,
                      "loss scatters by " + number(std::sqrt(variance) / mean * 100) +
                          " % of its mean around its trend over the last " + std::to_string(settings_.window) + " steps",
                      "use a larger batch or gradient accumulation, or a lower learning rate"});
    quietUntil_[Fluctuation] = step + static_cast<int64_t>(settings_.window);
  }
  return events;
}

std::vector<DiagnosisEvent> TrainingDiagnosis::addValidationLoss(int64_t step, double loss) {
  std::vector<DiagnosisEvent> events;
  double trainingNow = 0;
  for (const auto& item : recent_) trainingNow += item.second / std::max<size_t>(1, recent_.size());
  validation_.emplace_back(step, loss);
  trainingAtValidation_.push_back(trainingNow);
  const size_t n = settings_.risingEvaluations;
  if (validation_.size() <= n || step <= quietUntil_[Overfitting]) return events;
  bool rising = true, trainingFalling = true;
  for (size_t i = validation_.size() - n; i < validation_.size(); ++i) {
    rising = rising && validation_[i].second > validation_[i - 1].second;
    trainingFalling = trainingFalling && trainingAtValidation_[i] < trainingAtValidation_[i - 1];
  }
  if (rising && trainingFalling) {
    const auto& start = validation_[validation_.size() - n - 1];
    events.push_back({"overfitting", start.first, step,
                      "validation loss rose " + std::to_string(n) + " evaluations in a row (" +
                          number(start.second) + " → " + number(loss) +
                          ") while training loss fell",
                      "stop at the best checkpoint, add data or regularisation (weight decay, "
                      "dropout), or lower the learning rate"});
    quietUntil_[Overfitting] = step;
  }
  return events;
}

nlohmann::json TrainingDiagnosis::save() const {
  nlohmann::json recent = nlohmann::json::array(), validation = nlohmann::json::array();
  for (const auto& [step, loss] : recent_) recent.push_back({step, loss});
  for (size_t i = 0; i < validation_.size(); ++i)
    validation.push_back({validation_[i].first, validation_[i].second, trainingAtValidation_[i]});
  return {{"recent", recent},
          {"validation", validation},
          {"quiet_until", {quietUntil_[0], quietUntil_[1], quietUntil_[2], quietUntil_[3]}}};
}

void TrainingDiagnosis::restore(const nlohmann::json& state) {
  recent_.clear();
  validation_.clear();
  trainingAtValidation_.clear();
  if (!state.is_object()) return;
  for (const auto& item : state.value("recent", nlohmann::json::array()))
    recent_.emplace_back(item[0].get<int64_t>(), item[1].get<double>());
  for (const auto& item : state.value("validation", nlohmann::json::array())) {
    validation_.emplace_back(item[0].get<int64_t>(), item[1].get<double>());
    trainingAtValidation_.push_back(item[2].get<double>());
  }
  const auto quiet = state.value("quiet_until", nlohmann::json::array());
  for (size_t i = 0; i < 4 && i < quiet.size(); ++i) quietUntil_[i] = quiet[i].get<int64_t>();
}

}  // namespace tunebench
