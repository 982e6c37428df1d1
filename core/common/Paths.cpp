#include "common/Paths.h"

#include <cstdlib>
#include <sstream>

namespace tunebench {

std::filesystem::path executableDirectory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::current_path();
  return exe.parent_path();
}

std::filesystem::path userDataDirectory() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "tunebench";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "share" / "tunebench";
  return std::filesystem::temp_directory_path() / "tunebench";
}

std::filesystem::path userCacheDirectory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "tunebench";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "tunebench";
  return std::filesystem::temp_directory_path() / "tunebench-cache";
}

std::vector<std::filesystem::path> splitPathList(const std::string& list) {
  std::vector<std::filesystem::path> paths;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ':'))
    if (!item.empty()) paths.emplace_back(item);
  return paths;
}

}  // namespace tunebench
