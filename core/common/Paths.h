#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace tunebench {

// Folder holding the running executable (resolved through /proc/self/exe).
std::filesystem::path executableDirectory();

// Per-user data folder: $XDG_DATA_HOME/tunebench or ~/.local/share/tunebench.
std::filesystem::path userDataDirectory();

// Per-user cache folder (files that can be rebuilt): $XDG_CACHE_HOME/tunebench or
// ~/.cache/tunebench.
std::filesystem::path userCacheDirectory();

// Splits a PATH-like list on ':' and drops empty entries.
std::vector<std::filesystem::path> splitPathList(const std::string& list);

}  // namespace tunebench
