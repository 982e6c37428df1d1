#include "builtin/EvaluatorSettings.h"

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

}  // namespace tunebench::builtin
