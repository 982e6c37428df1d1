#pragma once
// How evaluation scores read wherever they are shown (Monitor, Evaluate, Runs).
#include <QString>
#include <string>

namespace tunebench::ui {

// Accuracies and exact-match rates: shares shown as percentages.
bool isShareMetric(const std::string& metric);
// "exact match 60.0%", "perplexity 3.21".
QString formatScore(const std::string& metric, double value);
// "−20.0 points", "+0.50".
QString formatScoreChange(const std::string& metric, double difference);
QString metricTitle(const std::string& metric);

}  // namespace tunebench::ui
