#include "builtin/EvaluatorSettings.h"

#include <algorithm>

#include "common/Error.h"

namespace tunebench::builtin {

std::string textSetting(const nlohmann::json& settings, const std::string& key,
                        const std::string& fallback) {
  const auto found = settings.find(key);
  if (found == settings.end() || found->is_null()) return fallback;
  if (!found->is_string() || found->get<std::string>().empty())
    throw Error("evaluation setting \"" + key + "\" must be a non-empty text, not " +
                found->dump());
  return found->get<std::string>();
}

int64_t countSetting(const nlohmann::json& settings, const std::string& key, int64_t fallback,
                     int64_t minimum) {
  const auto found = settings.find(key);
  if (found == settings.end() || found->is_null()) return fallback;
  if (!found->is_number_integer() || found->get<int64_t>() < minimum)
    throw Error("evaluation setting \"" + key + "\" must be a whole number of at least " +
                std::to_string(minimum) + ", not " + found->dump());
  return found->get<int64_t>();
}

bool flagSetting(const nlohmann::json& settings, const std::string& key, bool fallback) {
  const auto found = settings.find(key);
  if (found == settings.end() || found->is_null()) return fallback;
  if (!found->is_boolean())
    throw Error("evaluation setting \"" + key + "\" must be true or false, not " + found->dump());
  return found->get<bool>();
}

std::vector<std::string> nameListSetting(const nlohmann::json& settings, const std::string& key,
                                         const std::string& what) {
  const auto found = settings.find(key);
  std::vector<std::string> names;
  if (found == settings.end() || found->is_null()) return names;
  const auto add = [&names](const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos)
      names.push_back(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
  };
  const auto wrongKind = [&] {
    return Error("evaluation setting \"" + key + "\" must be a list of " + what +
                 " or a comma-separated text, not " + found->dump());
  };
  if (found->is_string()) {
    const auto text = found->get<std::string>();
    for (size_t start = 0; start <= text.size();) {
      const size_t comma = std::min(text.find(',', start), text.size());
      add(text.substr(start, comma - start));
      start = comma + 1;
    }
  } else if (found->is_array()) {
    for (const auto& element : *found) {
      if (!element.is_string()) throw wrongKind();
      add(element.get<std::string>());
    }
  } else {
    throw wrongKind();
  }
  return names;
}

}  // namespace tunebench::builtin
