#pragma once
// Apply of the cleaning recipe editor: cleans a stored version with a recipe and stores the
// outcome as the dataset's next version, through the same core call as `data clean --recipe`
// (store::cleanVersion), on the job's own connection to the project.
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/JobContext.h"
#include "store/DatasetVersions.h"

namespace tunebench::ui {

class CleanVersionJob : public Job {
 public:
  // Steps that count tokens use the tokenizer of `modelFolder` (empty: none).
  CleanVersionJob(std::string projectFile, int64_t versionId, std::string description,
                  nlohmann::json recipe, std::string modelFolder = {});
  std::string name() const override;
  void run(JobContext& context) override;

  // Valid once run() returned without throwing.
  const store::CleanResult& result() const { return result_; }

 private:
  std::string projectFile_;
  int64_t versionId_;
  std::string description_;
  nlohmann::json recipe_;
  std::string modelFolder_;
  store::CleanResult result_;
};

}  // namespace tunebench::ui
