#include "ClassifierReport.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

namespace tunebench::cli {

namespace {

std::string fixed(double value, const char* format = "%.4f") {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string quoted(const std::string& text, size_t limit = 200) {
  nlohmann::json value = text.size() > limit ? text.substr(0, limit) + "…" : text;
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

void printClassifierReport(const ClassifierEvaluationResult& result, const ClassifierReportSource&,
                           int64_t samples) {
  const auto& metrics = result.metrics;
  int64_t correct = 0;
  for (const auto& outcome : result.outcomes) correct += outcome.correct ? 1 : 0;
  std::cout << "classifier over " << result.labels.size() << " classes\n"
            << "examples: " << metrics.examples << (result.canceled ? " (stopped)" : "") << "\n"
            << "accuracy: " << fixed(metrics.accuracy) << " (" << correct << " of "
            << metrics.examples << ")\n"
            << "macro F1: " << fixed(metrics.macroF1) << "\n";
  if (result.truncated > 0)
    std::cout << "truncated: " << result.truncated << " texts longer than max length\n";
  size_t width = 5;
  for (const auto& label : result.labels) width = std::max(width, label.size());
  std::cout << "\n" << padded("class", width) << "  precision  recall  f1      support\n";
  for (size_t c = 0; c < result.labels.size(); ++c) {
    const auto& perClass = metrics.perClass[c];
    std::cout << padded(result.labels[c], width) << "  " << padded(fixed(perClass.precision), 9)
              << "  " << padded(fixed(perClass.recall), 6) << "  " << padded(fixed(perClass.f1), 6)
              << "  " << perClass.support << "\n";
  }
  std::cout << "\nconfusion (rows: label, columns: predicted)\n" << padded("", width);
  for (const auto& label : result.labels) std::cout << "  " << label;
  std::cout << "\n";
  for (size_t actual = 0; actual < result.labels.size(); ++actual) {
    std::cout << padded(result.labels[actual], width);
    for (size_t predicted = 0; predicted < result.labels.size(); ++predicted)
      std::cout << "  "
                << padded(std::to_string(result.confusion[actual][predicted]),
                          result.labels[predicted].size());
    std::cout << "\n";
  }
  // The first mistakes say most; when there are none, the first examples.
  std::vector<const ClassifiedExample*> shown;
  for (const auto& outcome : result.outcomes)
    if (!outcome.correct && static_cast<int64_t>(shown.size()) < samples) shown.push_back(&outcome);
  const bool mistakes = !shown.empty();
  for (const auto& outcome : result.outcomes)
    if (!mistakes && static_cast<int64_t>(shown.size()) < samples) shown.push_back(&outcome);
  for (const auto* outcome : shown)
    std::cout << "\n"
              << (mistakes ? "mistake" : "sample") << " at line " << outcome->line
              << "\n  text:      " << quoted(outcome->text) << "\n  label:     " << outcome->label
              << "\n  predicted: " << outcome->predicted
              << " (p = " << fixed(outcome->probability, "%.3f") << ")\n";
}

void printClassifierJson(const ClassifierEvaluationResult& result,
                         const ClassifierReportSource& source) {
  nlohmann::ordered_json classes = nlohmann::ordered_json::array();
  for (size_t c = 0; c < result.labels.size(); ++c) {
    const auto& perClass = result.metrics.perClass[c];
    classes.push_back({{"label", result.labels[c]},
                       {"precision", perClass.precision},
                       {"recall", perClass.recall},
                       {"f1", perClass.f1},
                       {"support", perClass.support}});
  }
  nlohmann::ordered_json outcomes = nlohmann::ordered_json::array();
  for (const auto& outcome : result.outcomes)
    outcomes.push_back({{"line", outcome.line},
                        {"text", outcome.text},
                        {"label", outcome.label},
                        {"predicted", outcome.predicted},
                        {"probability", outcome.probability},
                        {"correct", outcome.correct},
                        {"truncated", outcome.truncated}});
  const nlohmann::ordered_json report{{"task", "classification"},
                                      {"examples", result.metrics.examples},
                                      {"accuracy", result.metrics.accuracy},
                                      {"macro_f1", result.metrics.macroF1},
                                      {"labels", result.labels},
                                      {"classes", classes},
                                      {"confusion", result.confusion},
                                      {"truncated", result.truncated},
                                      {"canceled", result.canceled},
                                      {"model", source.model},
                                      {"adapter", source.adapter},
                                      {"data", source.data},
                                      {"outcomes", outcomes}};
  std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace tunebench::cli
