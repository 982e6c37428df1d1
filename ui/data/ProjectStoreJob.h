#pragma once
// A job that changes the project: it opens its own writing connection on the job's thread (the
// GUI's connections stay free) and runs one core operation on it.
#include <functional>
#include <string>

#include "jobs/JobContext.h"

namespace tunebench::store {
class ProjectStore;
}

namespace tunebench::ui {

class ProjectStoreJob : public Job {
 public:
  using Work = std::function<void(store::ProjectStore& project, JobContext& context)>;

  ProjectStoreJob(std::string name, std::string projectFile, Work work)
      : name_(std::move(name)), projectFile_(std::move(projectFile)), work_(std::move(work)) {}
  std::string name() const override { return name_; }
  // Throws tunebench::Error when the project cannot be written, or what the work throws.
  void run(JobContext& context) override;

 private:
  std::string name_;
  std::string projectFile_;
  Work work_;
};

}  // namespace tunebench::ui
