#include "data/CleaningRecipe.h"

#include <algorithm>
#include <functional>
#include <map>

#include "common/Error.h"
#include "data/Augmentation.h"
#include "data/BasicCleaningSteps.h"
#include "data/ContentFilters.h"
#include "data/DeduplicationSteps.h"
#include "data/PiiRedaction.h"

namespace tunebench {

namespace {

using StepFactory =
    std::function<std::unique_ptr<CleaningStep>(const nlohmann::json&, const StepServices&)>;

const std::vector<std::pair<std::string, StepFactory>>& factories() {
  static const std::vector<std::pair<std::string, StepFactory>> list = {
      {"unicode",
       [](const auto& s, const auto&) { return UnicodeNormalizationStep::fromSettings(s); }},
      {"whitespace",
       [](const auto&, const auto&) { return std::make_unique<WhitespaceCleanupStep>(); }},
      {"drop-empty", [](const auto&, const auto&) { return std::make_unique<DropEmptyStep>(); }},
      {"length",
       [](const auto& s, const auto& services) {
         return LengthFilterStep::fromSettings(s, services.countTokens);
       }},
      {"exact-dedup", [](const auto&, const auto&) { return std::make_unique<ExactDedupStep>(); }},
      {"near-dedup", [](const auto& s, const auto&) { return NearDedupStep::fromSettings(s); }},
      {"pii", [](const auto& s, const auto&) { return PiiRedactionStep::fromSettings(s); }},
      {"profanity",
       [](const auto& s, const auto&) { return ProfanityFilterStep::fromSettings(s); }},
      {"script", [](const auto& s, const auto&) { return ScriptFilterStep::fromSettings(s); }},
      {"regex-filter", [](const auto& s, const auto&) { return RegexFilterStep::fromSettings(s); }},
      {"regex-replace",
       [](const auto& s, const auto&) { return RegexReplaceStep::fromSettings(s); }},
      {"augment", [](const auto& s, const auto&) { return AugmentStep::fromSettings(s); }},
  };
  return list;
}

}  // namespace

std::unique_ptr<CleaningStep> makeCleaningStep(const std::string& id,
                                               const nlohmann::json& settings,
                                               const StepServices& services) {
  for (const auto& [name, factory] : factories())
    if (name == id)
      return withContext("cleaning step \"" + id + "\"",
                         [&] { return factory(settings, services); });
  std::string known;
  for (const auto& name : cleaningStepIds()) known += (known.empty() ? "" : ", ") + name;
  throw Error("unknown cleaning step \"" + id + "\" (known: " + known + ")");
}

std::vector<std::string> cleaningStepIds() {
  std::vector<std::string> ids;
  for (const auto& [name, factory] : factories()) ids.push_back(name);
  return ids;
}

void CleaningRecipe::add(std::unique_ptr<CleaningStep> step, bool enabled) {
  entries_.push_back({std::move(step), enabled});
}

void CleaningRecipe::remove(size_t index) {
  if (index >= entries_.size()) throw Error("no cleaning step " + std::to_string(index));
  entries_.erase(entries_.begin() + long(index));
}

void CleaningRecipe::move(size_t from, size_t to) {
  if (from >= entries_.size() || to >= entries_.size())
    throw Error("cannot move cleaning step " + std::to_string(from) + " to " + std::to_string(to));
  Entry entry = std::move(entries_[from]);
  entries_.erase(entries_.begin() + long(from));
  entries_.insert(entries_.begin() + long(to), std::move(entry));
}

void CleaningRecipe::setEnabled(size_t index, bool enabled) {
  entries_.at(index).enabled = enabled;
}

RecipeResult CleaningRecipe::preview(const Dataset& raw, size_t limit, JobContext& context) const {
  Dataset sample;
  sample.kind = raw.kind;
  sample.examples.assign(raw.examples.begin(),
                         raw.examples.begin() + long(std::min(limit, raw.examples.size())));
  return run(std::move(sample), context);
}

RecipeResult CleaningRecipe::apply(const Dataset& raw, JobContext& context) const {
  return run(raw, context);
}

RecipeResult CleaningRecipe::run(Dataset working, JobContext& context) const {
  RecipeResult result;
  result.dataset = std::move(working);
  for (const auto& entry : entries_) {
    if (!entry.enabled) continue;
    StepReport report;
    report.stepId = entry.step->id();
    entry.step->apply(result.dataset.examples, result.dataset.kind, report, context);
    if (context.isCanceled()) {
      result.canceled = true;
      return result;
    }
    context.log(LogLevel::Info, report.stepId + ": kept " + std::to_string(report.kept) +
                                    ", removed " + std::to_string(report.removed) + ", changed " +
                                    std::to_string(report.changed) + ", added " +
                                    std::to_string(report.added));
    result.reports.push_back(std::move(report));
  }
  return result;
}

nlohmann::json CleaningRecipe::toJson() const {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& e : entries_)
    steps.push_back(
        {{"id", e.step->id()}, {"enabled", e.enabled}, {"settings", e.step->settings()}});
  return {{"steps", steps}};
}

CleaningRecipe CleaningRecipe::fromJson(const nlohmann::json& json, const StepServices& services) {
  if (!json.is_object() || !json.contains("steps") || !json["steps"].is_array())
    throw Error("a cleaning recipe is an object with a \"steps\" list");
  CleaningRecipe recipe;
  for (size_t i = 0; i < json["steps"].size(); ++i) {
    const auto& step = json["steps"][i];
    const std::string where = "cleaning recipe step " + std::to_string(i + 1);
    if (!step.is_object() || !step.contains("id") || !step["id"].is_string())
      throw Error(where + ": needs an \"id\"");
    auto made = withContext(where, [&] {
      return makeCleaningStep(step["id"], step.value("settings", nlohmann::json::object()),
                              services);
    });
    recipe.add(std::move(made), step.value("enabled", true));
  }
  return recipe;
}

}  // namespace tunebench
