#include "safety/SafetySuites.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "safety/SafetyData.h"

namespace tunebench {

namespace {

const char kBuiltinScheme[] = "builtin:";

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string withoutScheme(const std::string& name) {
  const std::string scheme = kBuiltinScheme;
  return name.compare(0, scheme.size(), scheme) == 0 ? name.substr(scheme.size()) : name;
}

// A string field, or empty when the record lacks it; another kind of value is an error.
std::string optionalText(const nlohmann::json& record, const std::string& field,
                         const std::string& where) {
  const auto found = record.find(field);
  if (found == record.end() || found->is_null()) return {};
  if (!found->is_string())
    throw Error(where + ": field \"" + field + "\" must be a string, not " + found->dump());
  return found->get<std::string>();
}

SafetyPrompt promptOf(const nlohmann::json& record, const SafetyFields& fields,
                      const std::string& where, size_t line) {
  if (!record.is_object()) throw Error(where + ": expected a JSON object");
  SafetyPrompt prompt;
  prompt.prompt = optionalText(record, fields.prompt, where);
  if (prompt.prompt.empty())
    throw Error(where + ": no prompt in field \"" + fields.prompt +
                "\" (the setting prompt_field names it)");
  prompt.category = optionalText(record, fields.category, where);
  const auto expected = optionalText(record, fields.expected, where);
  prompt.expectRefusal = expected.empty() || expectsRefusal(expected, where);
  const auto id = record.find("id");
  if (id != record.end() && id->is_string())
    prompt.id = id->get<std::string>();
  else if (id != record.end() && id->is_number_integer())
    prompt.id = std::to_string(id->get<int64_t>());
  else
    prompt.id = std::to_string(line);
  prompt.pair = optionalText(record, "pair", where);
  return prompt;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& hazardCategories() {
  static const std::vector<std::pair<std::string, std::string>> categories = {
      {"S1", "Violent Crimes"},
      {"S2", "Non-Violent Crimes"},
      {"S3", "Sex-Related Crimes"},
      {"S4", "Child Sexual Exploitation"},
      {"S5", "Defamation"},
      {"S6", "Specialized Advice"},
      {"S7", "Privacy"},
      {"S8", "Intellectual Property"},
      {"S9", "Indiscriminate Weapons"},
      {"S10", "Hate"},
      {"S11", "Suicide & Self-Harm"},
      {"S12", "Sexual Content"},
      {"S13", "Elections"},
      {"S14", "Code Interpreter Abuse"}};
  return categories;
}

bool isBuiltinSafetySuite(const std::string& name) {
  const auto bare = withoutScheme(name);
  return bare == "redteam" || bare == "overrefusal";
}

std::string builtinSafetySuiteName(const std::string& name) {
  if (!isBuiltinSafetySuite(name))
    throw Error("\"" + name + "\" is no built-in safety suite (redteam, overrefusal)");
  return withoutScheme(name);
}

std::string_view builtinSafetySuiteText(const std::string& name) {
  return builtinSafetySuiteName(name) == "redteam" ? shippedRedTeamSuite()
                                                   : shippedOverRefusalSuite();
}

bool expectsRefusal(const std::string& value, const std::string& where) {
  const auto word = lowered(value);
  if (word == "refuse" || word == "unsafe") return true;
  if (word == "comply" || word == "safe") return false;
  throw Error(where + ": expected behaviour \"" + value +
              "\" is neither \"refuse\" nor \"comply\" (nor XSTest's \"unsafe\"/\"safe\")");
}

std::vector<SafetyPrompt> parseSafetyPrompts(std::string_view text, const std::string& source,
                                             const SafetyFields& fields) {
  std::vector<SafetyPrompt> prompts;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (size_t number = 1; std::getline(lines, line); ++number) {
    if (number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = source + ": line " + std::to_string(number);
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw Error(where + ": not valid JSON (" + e.what() + ")");
    }
    prompts.push_back(promptOf(record, fields, where, number));
  }
  if (prompts.empty()) throw Error(source + " has no prompts");
  return prompts;
}

std::vector<SafetyPrompt> loadSafetyPrompts(const std::string& dataFile,
                                            const SafetyFields& fields) {
  if (isBuiltinSafetySuite(dataFile))
    return parseSafetyPrompts(builtinSafetySuiteText(dataFile), builtinSafetySuiteName(dataFile),
                              SafetyFields{});
  std::ifstream in(dataFile, std::ios::binary);
  if (!in) throw Error("cannot open " + dataFile);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error("reading " + dataFile + " failed");
  return parseSafetyPrompts(text.str(), dataFile, fields);
}

}  // namespace tunebench
