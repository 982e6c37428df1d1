#pragma once
// What a training job reports, kept for tests: the loss of every step, the last value of every
// metric and the log lines; cancelAfter stops the job after that step.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "jobs/BasicJobContext.h"

namespace tunebench::testing {

struct TrainingRecorder {
  BasicJobContext context;
  std::map<int64_t, double> losses;
  std::map<std::string, double> last;
  std::vector<std::string> logs;      // every line
  std::vector<std::string> warnings;  // warnings and errors only
  int64_t cancelAfter = -1;

  TrainingRecorder() {
    context.onMetric = [this](int64_t step, const std::string& key, double value) {
      last[key] = value;
      if (key != "loss") return;
      losses[step] = value;
      if (step == cancelAfter) context.cancel();
    };
    context.onLog = [this](LogLevel level, const std::string& text) {
      logs.push_back(text);
      if (level >= LogLevel::Warning) warnings.push_back(text);
    };
  }

  // Whether some log line contains `part`.
  bool logged(const std::string& part) const {
    for (const auto& line : logs)
      if (line.find(part) != std::string::npos) return true;
    return false;
  }
};

}  // namespace tunebench::testing
