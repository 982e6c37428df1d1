#include "model/ModelJobs.h"

#include <filesystem>

#include "common/Error.h"

namespace tunebench {

namespace fs = std::filesystem;

void DescribeModelJob::run(JobContext& context) {
  result_ = describeModelFolder(folder_, options_, &context);
}

std::string MakeModelJob::name() const {
  return "Creating " + options_.architecture + " " + options_.preset + " model";
}

void MakeModelJob::run(JobContext& context) {
  const fs::path folder(options_.folder);
  std::error_code ec;
  if (fs::exists(folder) && !fs::is_directory(folder))
    throw Error(options_.folder + " is a file: choose an empty or new folder for the model");
  if (fs::is_directory(folder) && !fs::is_empty(folder, ec))
    throw Error(options_.folder +
                " is not empty: choose an empty or new folder so that no files are overwritten");
  makeRandomModel(options_, &context);
  if (context.isCanceled()) return;
  result_ = describeModelFolder(options_.folder, {true}, &context);
  completed_ = !context.isCanceled();
}

}  // namespace tunebench
