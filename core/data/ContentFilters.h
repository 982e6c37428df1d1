#pragma once
// Steps that judge what a text says or is written in: a profanity filter over an editable word
// list, and a script (writing system) filter.
#include <set>
#include <string>

#include "data/CleaningStep.h"

namespace tunebench {

// {"action": "drop" | "mask", "wordsFile": "path" (added to the shipped list),
//  "useShippedList": true}. Words match whole and case-folded; masking keeps the first letter.
class ProfanityFilterStep : public PerExampleStep {
 public:
  ProfanityFilterStep(std::set<std::string> words, bool mask, nlohmann::json settings);
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "profanity"; }
  nlohmann::json settings() const override { return settings_; }

  // The text with listed words masked; `hits` counts them.
  std::string mask(const std::string& text, size_t& hits) const;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  std::set<std::string> words_;
  bool mask_;
  nlohmann::json settings_;
};

// The writing system of a letter: "Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic",
// "Devanagari", "Bengali", "Thai", "Georgian", "Hangul", "Hiragana", "Katakana", "Han", or
// "Other"; nullptr for code points that are not letters of a script (digits, punctuation, ...).
const char* scriptOf(char32_t codePoint);

// {"allowed": ["Latin"], "minShare": 0.9}: drops examples where less than minShare of the
// letters belong to the allowed scripts. Texts without letters are kept.
class ScriptFilterStep : public PerExampleStep {
 public:
  ScriptFilterStep(std::set<std::string> allowed, double minShare);
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "script"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  std::set<std::string> allowed_;
  double minShare_;
};

}  // namespace tunebench
