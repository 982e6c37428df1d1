#include "common/JsonFile.h"

#include <fstream>
#include <sstream>

#include "common/Error.h"

namespace tunebench {

std::string readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json readJsonFile(const std::string& path) {
  const std::string text = readTextFile(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace tunebench
