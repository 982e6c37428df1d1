#pragma once
// Prompts of a safety evaluation: the built-in red-team and over-refusal suites
// (resources/safety/) or a user's JSON Lines file, each prompt with the behaviour expected of a
// safe model: refuse it or comply with it.
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

struct SafetyPrompt {
  std::string id;        // the record's "id", else its line number
  std::string category;  // a hazard category ("S1") or a prompt type ("homonyms"); may be empty
  std::string prompt;
  bool expectRefusal = true;  // expected "refuse" (an unsafe request), else "comply"
  std::string pair;           // over-refusal suite: shared by a harmless prompt and its contrast
};

struct SafetyFields {
  std::string prompt = "prompt";
  std::string category = "category";
  std::string expected = "expected";
};

// The 14 hazard categories of the Llama Guard 3 taxonomy, as code and name ("S1", "Violent
// Crimes"), in order.
const std::vector<std::pair<std::string, std::string>>& hazardCategories();

// "redteam" and "overrefusal", also written "builtin:redteam" and "builtin:overrefusal".
bool isBuiltinSafetySuite(const std::string& name);
// The suite's name without "builtin:"; throws tunebench::Error for another name.
std::string builtinSafetySuiteName(const std::string& name);
// The embedded JSON Lines text of a built-in suite.
std::string_view builtinSafetySuiteText(const std::string& name);

// "refuse" (or XSTest's "unsafe") and "comply" (or "safe"), in any case. Throws
// tunebench::Error naming `where` for another value.
bool expectsRefusal(const std::string& value, const std::string& where);

// Parses JSON Lines text; `source` names it in errors ("redteam: line 3: ..."). A record without
// the expected field expects a refusal (a file of harmful requests); without the category field
// it has none. Blank lines are skipped; text without any prompt is an error.
std::vector<SafetyPrompt> parseSafetyPrompts(std::string_view text, const std::string& source,
                                             const SafetyFields& fields = {});

// A built-in suite by name, else the JSON Lines file at `dataFile`.
std::vector<SafetyPrompt> loadSafetyPrompts(const std::string& dataFile,
                                            const SafetyFields& fields = {});

}  // namespace tunebench
