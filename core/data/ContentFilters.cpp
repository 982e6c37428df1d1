#include "data/ContentFilters.h"

#include <utf8proc.h>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/Utf8.h"
#include "data/BasicCleaningSteps.h"
#include "data/TextNormalization.h"
#include "data/WordLists.h"

namespace tunebench {

namespace {

struct ScriptRange {
  char32_t first, last;
  const char* script;
};

// Blocks of the Unicode standard that hold the letters of each script.
const ScriptRange kScripts[] = {
    {0x0041, 0x005A, "Latin"},    {0x0061, 0x007A, "Latin"},    {0x00C0, 0x024F, "Latin"},
    {0x1E00, 0x1EFF, "Latin"},    {0x0370, 0x03FF, "Greek"},    {0x1F00, 0x1FFF, "Greek"},
    {0x0400, 0x052F, "Cyrillic"}, {0x0530, 0x058F, "Armenian"}, {0x0590, 0x05FF, "Hebrew"},
    {0x0600, 0x06FF, "Arabic"},   {0x0750, 0x077F, "Arabic"},   {0x0900, 0x097F, "Devanagari"},
    {0x0980, 0x09FF, "Bengali"},  {0x0E00, 0x0E7F, "Thai"},     {0x10A0, 0x10FF, "Georgian"},
    {0x1100, 0x11FF, "Hangul"},   {0x3130, 0x318F, "Hangul"},   {0xAC00, 0xD7AF, "Hangul"},
    {0x3040, 0x309F, "Hiragana"}, {0x30A0, 0x30FF, "Katakana"}, {0x3400, 0x4DBF, "Han"},
    {0x4E00, 0x9FFF, "Han"},      {0x20000, 0x2A6DF, "Han"}};

bool isLetter(char32_t c) {
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
}

bool isWordCharacter(char32_t c) {
  return isLetter(c) || c == '\'' || (c >= '0' && c <= '9');
}

}  // namespace

const char* scriptOf(char32_t c) {
  if (!isLetter(c)) return nullptr;
  for (const auto& range : kScripts)
    if (c >= range.first && c <= range.last) return range.script;
  return "Other";
}

ProfanityFilterStep::ProfanityFilterStep(std::set<std::string> words, bool mask,
                                         nlohmann::json settings)
    : words_(std::move(words)), mask_(mask), settings_(std::move(settings)) {}

std::unique_ptr<CleaningStep> ProfanityFilterStep::fromSettings(const nlohmann::json& s) {
  const std::string action = stringSetting(s, "action", "drop");
  if (action != "drop" && action != "mask")
    throw Error("cleaning setting \"action\" must be \"drop\" or \"mask\"");
  std::set<std::string> words;
  const bool shipped = !s.is_object() || s.value("useShippedList", true);
  if (shipped) words = parseWordList(shippedProfanityList());
  const std::string file = stringSetting(s, "wordsFile", "");
  if (!file.empty()) words.merge(parseWordList(readTextFile(file)));
  if (words.empty()) throw Error("the profanity filter has no words to look for");
  nlohmann::json settings = {{"action", action}, {"useShippedList", shipped}};
  if (!file.empty()) settings["wordsFile"] = file;
  return std::make_unique<ProfanityFilterStep>(std::move(words), action == "mask", settings);
}

std::string ProfanityFilterStep::mask(const std::string& text, size_t& hits) const {
  const auto cps = decodeUtf8(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < cps.size()) {
    if (!isWordCharacter(cps[i])) {
      appendUtf8(out, cps[i++]);
      continue;
    }
    size_t end = i;
    std::string word;
    while (end < cps.size() && isWordCharacter(cps[end])) appendUtf8(word, cps[end++]);
    if (words_.count(foldCase(word))) {
      ++hits;
      appendUtf8(out, cps[i]);
      for (size_t k = i + 1; k < end; ++k) out.push_back('*');
    } else {
      out += word;
    }
    i = end;
  }
  return out;
}

PerExampleStep::Outcome ProfanityFilterStep::process(Example& e, DatasetKind kind) {
  bool changed = false;
  for (std::string* text : textsOf(e, kind)) {
    size_t hits = 0;
    std::string masked = mask(*text, hits);
    if (hits == 0) continue;
    if (!mask_) return Outcome::Remove;
    *text = std::move(masked);
    changed = true;
  }
  return changed ? Outcome::Change : Outcome::Keep;
}

ScriptFilterStep::ScriptFilterStep(std::set<std::string> allowed, double minShare)
    : allowed_(std::move(allowed)), minShare_(minShare) {
  if (allowed_.empty()) throw Error("cleaning setting \"allowed\" needs at least one script");
  if (minShare_ < 0 || minShare_ > 1)
    throw Error("cleaning setting \"minShare\" must be between 0 and 1");
}

std::unique_ptr<CleaningStep> ScriptFilterStep::fromSettings(const nlohmann::json& s) {
  std::set<std::string> allowed = {"Latin"};
  if (s.is_object() && s.contains("allowed")) {
    if (!s["allowed"].is_array()) throw Error("cleaning setting \"allowed\" must be a list");
    allowed.clear();
    // A misspelt script would match no letter and remove every row: refuse it by name.
    std::set<std::string> known = {"Other"};
    for (const auto& range : kScripts) known.insert(range.script);
    for (const auto& name : s["allowed"]) {
      if (!name.is_string()) throw Error("cleaning setting \"allowed\" must list script names");
      if (!known.count(name.get<std::string>())) {
        std::string names;
        for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
        throw Error("cleaning setting \"allowed\": unknown script \"" + name.get<std::string>() +
                    "\" (known: " + names + ")");
      }
      allowed.insert(name.get<std::string>());
    }
  }
  return std::make_unique<ScriptFilterStep>(allowed, numberSetting(s, "minShare", 0.9));
}

nlohmann::json ScriptFilterStep::settings() const {
  return {{"allowed", allowed_}, {"minShare", minShare_}};
}

PerExampleStep::Outcome ScriptFilterStep::process(Example& e, DatasetKind kind) {
  size_t letters = 0;
  size_t inAllowed = 0;
  for (const std::string* text : textsOf(e, kind))
    for (char32_t c : decodeUtf8(*text))
      if (const char* script = scriptOf(c)) {
        ++letters;
        inAllowed += allowed_.count(script);
      }
  if (letters == 0) return Outcome::Keep;
  return double(inAllowed) < minShare_ * double(letters) ? Outcome::Remove : Outcome::Keep;
}

}  // namespace tunebench
