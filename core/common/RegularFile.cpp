#include "common/RegularFile.h"

#include <filesystem>

namespace tunebench {

std::string whyNotARegularFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return "no such file";
  if (std::filesystem::is_regular_file(status)) return {};
  return std::filesystem::is_directory(status) ? "not a regular file (a folder)"
                                               : "not a regular file (a device, pipe or socket)";
}

}  // namespace tunebench
