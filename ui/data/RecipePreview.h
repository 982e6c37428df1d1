#pragma once
// The preview of a recipe being edited, computed on a worker thread: each step is built by the
// core's parser (its complaint, if any, becomes the step's problem), and when every enabled step
// is fine the recipe runs on the first rows of the loaded version, giving each enabled step its
// report (counts and samples).
#include <QString>
#include <QVector>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/CleaningStep.h"
#include "data/Example.h"

namespace tunebench {
class JobContext;
}

namespace tunebench::ui {

struct RecipePreview {
  quint64 revision = 0;                            // of the recipe model it was made for
  QVector<QString> problems;                       // per step; empty when its settings are fine
  std::vector<std::optional<StepReport>> reports;  // per step; none when off or not run
  qint64 rows = 0;                                 // rows the preview ran on
  qint64 totalRows = 0;                            // rows of the version
  bool ran = false;  // false without data or when a step has a problem
  bool canceled = false;
  QString error;  // the run itself failed
};

// `recipe` is {"steps": [...]} as CleaningRecipeModel::toJson() writes it; `data` may be null.
// Steps that count tokens use the tokenizer of `modelFolder` (empty: none).
RecipePreview previewRecipe(const nlohmann::json& recipe, std::shared_ptr<const Dataset> data,
                            const std::string& modelFolder, size_t rowLimit, quint64 revision,
                            JobContext& context);

}  // namespace tunebench::ui
