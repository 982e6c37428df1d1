#include "train/CheckpointList.h"

#include <algorithm>
#include <filesystem>

namespace tunebench {

namespace fs = std::filesystem;

std::vector<std::pair<int64_t, std::string>> completeCheckpoints(
    const std::string& checkpointsRoot) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(checkpointsRoot, ec)) {
    const auto name = item.path().filename().string();
    if (!item.is_directory() || name.rfind("step-", 0) != 0 || name.size() != 13) continue;
    if (name.find_first_not_of("0123456789", 5) != std::string::npos) continue;  // .partial etc.
    if (!fs::exists(item.path() / "DONE")) continue;
    found.emplace_back(std::stoll(name.substr(5)), item.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace tunebench
