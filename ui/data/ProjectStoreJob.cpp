#include "data/ProjectStoreJob.h"

#include "common/Error.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

void ProjectStoreJob::run(JobContext& context) {
  auto project = store::ProjectStore::open(projectFile_);
  if (project.isReadOnly())
    throw Error(projectFile_ + " is read-only: " + project.readOnlyReason());
  work_(project, context);
}

}  // namespace tunebench::ui
