#pragma once
// Cleaning steps that look at one example at a time: Unicode normalisation, whitespace clean-up,
// dropping empty examples, length filters, regex filter and replace.
#include <memory>

#include "data/CleaningStep.h"
#include "data/TextNormalization.h"

namespace re2 {
class RE2;
}

namespace tunebench {

// {"form": "NFC" | "NFKC"}
class UnicodeNormalizationStep : public PerExampleStep {
 public:
  explicit UnicodeNormalizationStep(NormalForm form) : form_(form) {}
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "unicode"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  NormalForm form_;
};

// {} — see cleanWhitespace().
class WhitespaceCleanupStep : public PerExampleStep {
 public:
  std::string id() const override { return "whitespace"; }
  nlohmann::json settings() const override { return nlohmann::json::object(); }

 protected:
  Outcome process(Example& example, DatasetKind kind) override;
};

// {} — removes examples whose required texts are empty or blank: instruction or output; any
// message; prompt, chosen or rejected; the text; the label.
class DropEmptyStep : public PerExampleStep {
 public:
  std::string id() const override { return "drop-empty"; }
  nlohmann::json settings() const override { return nlohmann::json::object(); }

 protected:
  Outcome process(Example& example, DatasetKind kind) override;
};

// {"unit": "chars" | "tokens", "min": 0, "max": 0 (0 = no limit)} over the joined text.
// Characters are Unicode code points; tokens come from the model's tokenizer.
class LengthFilterStep : public PerExampleStep {
 public:
  LengthFilterStep(bool tokens, size_t min, size_t max, TokenCounter counter);
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings,
                                                    const TokenCounter& counter);
  std::string id() const override { return "length"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  bool tokens_;
  size_t min_, max_;
  TokenCounter counter_;
};

// {"pattern": "...", "keep": "non-matching" | "matching"}: drops examples whose joined text
// matches (or does not). RE2 syntax.
class RegexFilterStep : public PerExampleStep {
 public:
  RegexFilterStep(const std::string& pattern, bool keepMatching);
  ~RegexFilterStep() override;
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "regex-filter"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  std::unique_ptr<re2::RE2> regex_;
  bool keepMatching_;
};

// {"pattern": "...", "replacement": "..."} (\1 refers to a group) in every text.
class RegexReplaceStep : public PerExampleStep {
 public:
  RegexReplaceStep(const std::string& pattern, std::string replacement);
  ~RegexReplaceStep() override;
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "regex-replace"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  std::unique_ptr<re2::RE2> regex_;
  std::string replacement_;
};

// Compiles a pattern or throws tunebench::Error naming it and RE2's complaint.
std::unique_ptr<re2::RE2> compileRegex(const std::string& pattern);

// Reads a string setting (or `fallback`); throws Error naming it when it has the wrong type.
std::string stringSetting(const nlohmann::json& settings, const char* name,
                          const std::string& fallback);
double numberSetting(const nlohmann::json& settings, const char* name, double fallback);

}  // namespace tunebench
