#include "demo/StarterModelJob.h"

#include "demo/StarterModel.h"

namespace tunebench {

void StarterModelJob::run(JobContext& context) {
  const std::string folder = ensureStarterModel(context, folder_);
  if (folder.empty() || context.isCanceled()) return;
  result_ = describeModelFolder(folder, {true}, &context);
  completed_ = !context.isCanceled();
}

}  // namespace tunebench
