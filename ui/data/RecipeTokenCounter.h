#pragma once
// Token counts for cleaning steps that need them (a length filter in tokens): the model folder's
// tokenizer as the trainer encodes with it, opened only when the recipe has such a step.
#include <string>

#include <nlohmann/json.hpp>

#include "data/CleaningRecipe.h"

namespace tunebench::ui {

// Whether this step (an entry of the recipe's "steps") counts tokens.
bool stepCountsTokens(const nlohmann::json& step);
bool recipeCountsTokens(const nlohmann::json& recipe);

// The services for the recipe: with a token-counting step and a model folder, a counter over the
// folder's tokenizer; otherwise none (the step's parser then says that it needs a model). Throws
// tunebench::Error naming the folder when its tokenizer cannot be opened.
StepServices stepServicesFor(const nlohmann::json& recipe, const std::string& modelFolder);

}  // namespace tunebench::ui
