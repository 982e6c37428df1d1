#include "demo/DemoReport.h"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "report/Charts.h"
#include "store/BaseModelComparison.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

std::string fixed(double value, int digits) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return text.str();
}

std::string percent(double share) {
  return fixed(100.0 * share, 1) + " %";
}

ChartSeries toSeries(const std::string& name, const StepSeries& points) {
  ChartSeries series;
  series.name = name;
  for (const auto& [step, value] : points) {
    series.x.push_back(step);
    series.y.push_back(value);
  }
  return series;
}

// A short table cell: no line breaks or pipes.
std::string cell(std::string text, size_t limit = 60) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  std::string escaped;
  for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  if (escaped.size() > limit) escaped = escaped.substr(0, limit - 1) + "…";
  return escaped.empty() ? "(empty)" : escaped;
}

// The instruction line of an Alpaca prompt, for the samples table.
std::string instructionOf(const std::string& prompt) {
  const std::string marker = "### Instruction:\n";
  const size_t start = prompt.find(marker);
  if (start == std::string::npos) return prompt;
  const size_t from = start + marker.size();
  return prompt.substr(from, prompt.find('\n', from) - from);
}

void writeCharts(const fs::path& folder, const DemoReportData& data) {
  LineChartSpec loss;
  loss.title = "Training loss (LoRA on the starter model)";
  loss.xLabel = "step";
  loss.yLabel = "loss";
  loss.series = {toSeries("train", data.loss), toSeries("validation", data.validationLoss)};
  writeLineChartSvg((folder / "loss.svg").string(), loss);

  LineChartSpec rate;
  rate.title = "Learning rate";
  rate.xLabel = "step";
  rate.yLabel = "learning rate";
  rate.series = {toSeries("lr", data.learningRate)};
  writeLineChartSvg((folder / "learning-rate.svg").string(), rate);

  BarChartSpec accuracy;
  accuracy.title = "Exact match on the test split";
  accuracy.yLabel = "exact match (%)";
  accuracy.labels = {"starter (before)", "after LoRA"};
  accuracy.values = {100.0 * data.before.exactMatch, 100.0 * data.after.exactMatch};
  writeBarChartSvg((folder / "accuracy.svg").string(), accuracy);

  if (!data.datasets.empty()) {
    const auto& profile = data.datasets.front().profile;
    const auto all = profile.characters.find("all");
    if (all != profile.characters.end()) {
      BarChartSpec lengths;
      lengths.title = "Instruction dataset: characters per example";
      lengths.xLabel = "characters";
      lengths.yLabel = "examples";
      const auto& histogram = all->second.histogram;
      for (size_t i = 0; i < histogram.counts.size(); ++i) {
        lengths.labels.push_back(std::to_string(static_cast<long long>(histogram.edges[i])));
        lengths.values.push_back(static_cast<double>(histogram.counts[i]));
      }
      writeBarChartSvg((folder / "lengths.svg").string(), lengths);
    }
  }
  for (const auto& dataset : data.datasets) {
    if (dataset.profile.labels.empty()) continue;
    BarChartSpec classes;
    classes.title = "Classes of '" + dataset.name + "' (imbalance " +
                    fixed(dataset.profile.imbalanceRatio, 1) + " : 1)";
    classes.yLabel = "examples";
    for (const auto& [label, count] : dataset.profile.labels) {
      classes.labels.push_back(label);
      classes.values.push_back(static_cast<double>(count));
    }
    writeBarChartSvg((folder / "classes.svg").string(), classes);
    break;
  }
}

void writeSamples(std::ostream& out, const DemoReportData& data, size_t count) {
  out << "| Instruction | Expected | Starter (before) | After LoRA |\n|---|---|---|---|\n";
  const size_t n = std::min({count, data.before.outcomes.size(), data.after.outcomes.size()});
  for (size_t i = 0; i < n; ++i) {
    const auto& before = data.before.outcomes[i];
    const auto& after = data.after.outcomes[i];
    out << "| " << cell(instructionOf(before.prompt)) << " | " << cell(before.reference) << " | "
        << cell(before.generated, 40) << (before.exactMatch ? " ✔" : "") << " | "
        << cell(after.generated, 40) << (after.exactMatch ? " ✔" : "") << " |\n";
  }
}

// Whether the multiple-choice change lies beyond its 95% interval (store/BaseModelComparison.h).
std::string choiceVerdict(const DemoReportData& data) {
  store::BaseComparison change;
  change.metric = "acc";
  change.base = data.choiceBefore.accuracy;
  change.tuned = data.choiceAfter.accuracy;
  change.baseStandardError = data.choiceBefore.standardError;
  change.tunedStandardError = data.choiceAfter.standardError;
  const double margin = change.margin().value_or(0.0);
  std::string text = "On the multiple-choice suite the change is " +
                     fixed(100.0 * change.difference(), 1) +
                     " points, against a 95% interval of the difference of ±" +
                     fixed(100.0 * margin, 1) + " points: ";
  if (change.forgets())
    text += "a drop beyond it, which the Evaluate stage flags as forgetting.";
  else if (change.gains())
    text += "a gain beyond it.";
  else
    text += "within it, so no change the suite can tell from chance.";
  return text +
         " The Evaluate stage's \"Base vs fine-tuned\" tab lists the questions that "
         "flipped.";
}

}  // namespace

std::string writeDemoReport(const std::string& folderText, const DemoReportData& data) {
  const fs::path folder(folderText);
  fs::create_directories(folder);
  writeCharts(folder, data);

  const fs::path file = folder / "report.md";
  std::ostringstream out;
  out << "# Tunebench demo report\n\n"
      << "LoRA fine-tuning of the built-in starter model on the demo instruction dataset "
      << "(unit conversions, small sums, counting on, repeating words), in "
      << fixed(data.seconds / 60.0, 1) << " minutes.\n\n"
      << "| | Starter (before) | After LoRA |\n|---|---|---|\n"
      << "| Exact match on the test split (" << data.after.examples << " examples) | "
      << percent(data.before.exactMatch) << " | " << percent(data.after.exactMatch) << " |\n"
      << "| Perplexity of the reference answers | " << fixed(data.before.perplexity, 2) << " | "
      << fixed(data.after.perplexity, 2) << " |\n"
      << "| Multiple choice (" << data.choiceAfter.questions
      << " generated questions, scored by log-likelihood as benchmarks are) | "
      << percent(data.choiceBefore.accuracy) << " ± " << percent(data.choiceBefore.standardError)
      << " | " << percent(data.choiceAfter.accuracy) << " ± "
      << percent(data.choiceAfter.standardError) << " |\n\n"
      << choiceVerdict(data) << "\n\n"
      << "![Exact match before and after](accuracy.svg)\n\n"
      << "## Training\n\n"
      << data.steps << " optimiser steps. Settings: `" << data.trainingSettings.dump() << "`.\n\n"
      << "![Training and validation loss](loss.svg)\n\n"
      << "![Learning rate](learning-rate.svg)\n\n"
      << "## Data\n\n"
      << "The generators planted " << data.dirtyRows
      << " dirty rows (duplicates, empty answers, e-mail addresses and phone numbers, stray "
         "whitespace); the cleaning recipe below dealt with them without touching the imported "
         "versions.\n\n"
      << "| Dataset | Imported | Cleaning (kept / removed / changed per step) | Clean | Splits |\n"
      << "|---|---|---|---|---|\n";
  for (const auto& dataset : data.datasets) {
    std::string steps, splits;
    for (const auto& step : dataset.cleaning)
      steps += (steps.empty() ? "" : ", ") + step.stepId + " " + std::to_string(step.kept) + "/" +
               std::to_string(step.removed) + "/" + std::to_string(step.changed);
    for (const auto& [name, count] : dataset.splits)
      splits += (splits.empty() ? "" : ", ") + name + " " + std::to_string(count);
    out << "| " << dataset.name << " | " << dataset.importedRows << " | " << steps << " | "
        << dataset.cleanRows << " | " << splits << " |\n";
  }
  out << "\n![Characters per example](lengths.svg)\n\n![Classes](classes.svg)\n\n"
      << "## Sample answers from the test split\n\n";
  writeSamples(out, data, 12);
  out << "\n## Where things are\n\n"
      << "- Project: `" << data.projectFile << "` (open it in Tunebench)\n"
      << "- Merged model (Hugging Face folder): `" << data.mergedFolder << "`\n"
      << "- LoRA adapter (PEFT layout): `" << data.adapterFolder << "`\n"
      << "- Starter model: `" << data.starterFolder << "`\n";
  writeFileAtomically(file, out.str());
  return file.string();
}

}  // namespace tunebench
