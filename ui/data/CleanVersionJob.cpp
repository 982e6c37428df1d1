#include "data/CleanVersionJob.h"

#include "common/Error.h"
#include "data/RecipeTokenCounter.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

CleanVersionJob::CleanVersionJob(std::string projectFile, int64_t versionId,
                                 std::string description, nlohmann::json recipe,
                                 std::string modelFolder)
    : projectFile_(std::move(projectFile)),
      versionId_(versionId),
      description_(std::move(description)),
      recipe_(std::move(recipe)),
      modelFolder_(std::move(modelFolder)) {}

std::string CleanVersionJob::name() const {
  return "Clean " + description_;
}

void CleanVersionJob::run(JobContext& context) {
  const auto recipe = CleaningRecipe::fromJson(recipe_, stepServicesFor(recipe_, modelFolder_));
  auto project = store::ProjectStore::open(projectFile_);
  if (project.isReadOnly()) throw Error(projectFile_ + ": " + project.readOnlyReason());
  result_ = store::cleanVersion(project, versionId_, recipe, context);
}

}  // namespace tunebench::ui
