#include "data/RecipePreview.h"

#include <stdexcept>

#include "data/CleaningRecipe.h"
#include "data/RecipeTokenCounter.h"

namespace tunebench::ui {

RecipePreview previewRecipe(const nlohmann::json& recipe, std::shared_ptr<const Dataset> data,
                            const std::string& modelFolder, size_t rowLimit, quint64 revision,
                            JobContext& context) {
  RecipePreview preview;
  preview.revision = revision;
  const auto& steps = recipe.at("steps");
  preview.problems.resize(qsizetype(steps.size()));
  preview.reports.resize(steps.size());
  StepServices services;
  QString servicesProblem;
  try {
    services = stepServicesFor(recipe, modelFolder);
  } catch (const std::exception& e) {
    servicesProblem = QString::fromStdString(e.what());
  }
  CleaningRecipe built;
  std::vector<size_t> rowOfEnabled;  // the recipe model's row of each enabled step, in order
  bool blocked = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    const bool enabled = step.value("enabled", true);
    try {
      if (!servicesProblem.isEmpty() && stepCountsTokens(step))
        throw std::runtime_error(servicesProblem.toStdString());
      built.add(makeCleaningStep(step.at("id").get<std::string>(),
                                 step.value("settings", nlohmann::json::object()), services),
                enabled);
      if (enabled) rowOfEnabled.push_back(i);
    } catch (const std::exception& e) {
      preview.problems[qsizetype(i)] = QString::fromStdString(e.what());
      blocked = blocked || enabled;
    }
  }
  if (!data) return preview;
  preview.totalRows = qint64(data->examples.size());
  preview.rows = qint64(std::min(rowLimit, data->examples.size()));
  if (blocked) return preview;
  try {
    auto result = built.preview(*data, rowLimit, context);
    preview.canceled = result.canceled;
    if (result.canceled) return preview;
    for (size_t k = 0; k < result.reports.size() && k < rowOfEnabled.size(); ++k)
      preview.reports[rowOfEnabled[k]] = std::move(result.reports[k]);
    preview.ran = true;
  } catch (const std::exception& e) {
    preview.error = QString::fromStdString(e.what());
  }
  return preview;
}

}  // namespace tunebench::ui
