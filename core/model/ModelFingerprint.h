#pragma once
#include <string>

namespace tunebench {

// SHA-256 over config.json and the weight files of a model folder.
std::string modelFolderFingerprint(const std::string& folder);

}  // namespace tunebench
