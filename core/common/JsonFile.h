#pragma once
// Reading small text and JSON files with errors that name the file.
#include <string>

#include <nlohmann/json.hpp>

namespace tunebench {

// Throws tunebench::Error "cannot read <path>" when the file cannot be read.
std::string readTextFile(const std::string& path);
// Throws tunebench::Error "<path>: not valid JSON: <where and why>".
nlohmann::json readJsonFile(const std::string& path);

}  // namespace tunebench
