#pragma once
// Reads the training curves as they grow and names what goes wrong (guide §7.3): underfitting
// (training loss flat over a window), overfitting (validation loss rising while training loss
// falls), fluctuation (high relative scatter around the trend) and divergence (loss above 10× the rolling
// median). Each finding carries the step range it is about, and is reported once per episode.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

struct DiagnosisEvent {
  std::string kind;  // "underfitting", "overfitting", "fluctuation", "divergence"
  int64_t fromStep = 0;
  int64_t toStep = 0;
  std::string message;     // what was seen
  std::string suggestion;  // what to try
};

struct DiagnosisSettings {
  size_t window = 50;                 // training steps looked at
  double flatRelativeChange = 0.01;   // underfitting: less than 1 % improvement over the window
  double fluctuationRelativeStd = 0.25;  // of the residuals around the window's trend line
  double divergenceFactor = 10.0;
  size_t risingEvaluations = 3;       // overfitting: this many validation rises in a row
};

class TrainingDiagnosis {
 public:
  explicit TrainingDiagnosis(DiagnosisSettings settings = {}) : settings_(settings) {}

  std::vector<DiagnosisEvent> addTrainingLoss(int64_t step, double loss);
  std::vector<DiagnosisEvent> addValidationLoss(int64_t step, double loss);

  nlohmann::json save() const;
  void restore(const nlohmann::json& state);

 private:
  DiagnosisSettings settings_;
  std::deque<std::pair<int64_t, double>> recent_;  // training (step, loss)
  std::vector<std::pair<int64_t, double>> validation_;
  std::vector<double> trainingAtValidation_;
  int64_t quietUntil_[4] = {-1, -1, -1, -1};  // per kind: no repeat before this step
};

}  // namespace tunebench
