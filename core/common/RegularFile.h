#pragma once
// Files the product reads from a user must be regular files: opening a FIFO blocks until a writer
// comes, a device (a link to /dev/zero) may never end, a folder is no file.
#include <string>

namespace tunebench {

// Why `path` (links followed) is not a regular file: "no such file", "not a regular file (a
// folder)" or "not a regular file (a device, pipe or socket)"; empty when it is one.
std::string whyNotARegularFile(const std::string& path);

}  // namespace tunebench
