#include "data/RecipeTokenCounter.h"

#include <memory>

#include "train/TrainingData.h"

namespace tunebench::ui {

bool stepCountsTokens(const nlohmann::json& step) {
  if (!step.is_object() || step.value("id", nlohmann::json()) != "length") return false;
  const auto settings = step.value("settings", nlohmann::json::object());
  return settings.is_object() && settings.contains("unit") && settings["unit"] == "tokens";
}

bool recipeCountsTokens(const nlohmann::json& recipe) {
  if (!recipe.is_object() || !recipe.contains("steps") || !recipe["steps"].is_array()) return false;
  for (const auto& step : recipe["steps"])
    if (stepCountsTokens(step)) return true;
  return false;
}

StepServices stepServicesFor(const nlohmann::json& recipe, const std::string& modelFolder) {
  StepServices services;
  if (modelFolder.empty() || !recipeCountsTokens(recipe)) return services;
  auto encoder = std::make_shared<const TextEncoder>(encoderForModelFolder(modelFolder));
  services.countTokens = [encoder](std::string_view text) {
    return encoder->encode(std::string(text)).size();
  };
  return services;
}

}  // namespace tunebench::ui
