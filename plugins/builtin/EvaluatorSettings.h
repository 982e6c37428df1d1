#pragma once
// Reading an evaluator's settings (EvaluatorRequest::settings): a missing key gives the default,
// a value of the wrong kind is an error naming the setting.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench::builtin {

std::string textSetting(const nlohmann::json& settings, const std::string& key,
                        const std::string& fallback);
// A whole number >= minimum.
int64_t countSetting(const nlohmann::json& settings, const std::string& key, int64_t fallback,
                     int64_t minimum);
bool flagSetting(const nlohmann::json& settings, const std::string& key, bool fallback);
// A list of names given as a JSON list or as comma-separated text ("bleu, rouge"): each trimmed,
// empty ones dropped, in order; none when the key is absent. `what` names the items in the error
// ("metric names").
std::vector<std::string> nameListSetting(const nlohmann::json& settings, const std::string& key,
                                         const std::string& what);

}  // namespace tunebench::builtin
