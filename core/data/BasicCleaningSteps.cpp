#include "data/BasicCleaningSteps.h"

#include <re2/re2.h>

#include "common/Error.h"

namespace tunebench {

std::string stringSetting(const nlohmann::json& settings, const char* name,
                          const std::string& fallback) {
  if (!settings.is_object() || !settings.contains(name)) return fallback;
  if (!settings[name].is_string())
    throw Error(std::string("cleaning setting \"") + name + "\" must be a string");
  return settings[name].get<std::string>();
}

double numberSetting(const nlohmann::json& settings, const char* name, double fallback) {
  if (!settings.is_object() || !settings.contains(name)) return fallback;
  if (!settings[name].is_number() || settings[name].get<double>() < 0)
    throw Error(std::string("cleaning setting \"") + name + "\" must be a number >= 0");
  return settings[name].get<double>();
}

std::unique_ptr<re2::RE2> compileRegex(const std::string& pattern) {
  auto regex = std::make_unique<re2::RE2>(pattern, re2::RE2::Quiet);
  if (!regex->ok()) throw Error("regular expression \"" + pattern + "\": " + regex->error());
  return regex;
}

namespace {

// Applies `transform` to every text; Change when any of them changed.
template <typename F>
PerExampleStep::Outcome transformTexts(Example& example, DatasetKind kind, F transform) {
  bool changed = false;
  for (std::string* text : textsOf(example, kind)) {
    std::string after = transform(*text);
    if (after != *text) {
      *text = std::move(after);
      changed = true;
    }
  }
  return changed ? PerExampleStep::Outcome::Change : PerExampleStep::Outcome::Keep;
}

bool isBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

size_t codePoints(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::unique_ptr<CleaningStep> UnicodeNormalizationStep::fromSettings(const nlohmann::json& s) {
  const std::string form = stringSetting(s, "form", "NFC");
  if (form != "NFC" && form != "NFKC")
    throw Error("cleaning setting \"form\" must be \"NFC\" or \"NFKC\", not \"" + form + "\"");
  return std::make_unique<UnicodeNormalizationStep>(form == "NFC" ? NormalForm::NFC
                                                                  : NormalForm::NFKC);
}

nlohmann::json UnicodeNormalizationStep::settings() const {
  return {{"form", form_ == NormalForm::NFC ? "NFC" : "NFKC"}};
}

PerExampleStep::Outcome UnicodeNormalizationStep::process(Example& e, DatasetKind kind) {
  return transformTexts(e, kind, [&](const std::string& t) { return normalizeUnicode(t, form_); });
}

PerExampleStep::Outcome WhitespaceCleanupStep::process(Example& e, DatasetKind kind) {
  return transformTexts(e, kind, [](const std::string& t) { return cleanWhitespace(t); });
}

PerExampleStep::Outcome DropEmptyStep::process(Example& e, DatasetKind kind) {
  bool empty = false;
  switch (kind) {
    case DatasetKind::Instruction:
      empty = isBlank(e.instruction) || isBlank(e.output);
      break;
    case DatasetKind::Chat:
    case DatasetKind::Preference:
      // A preference pair may carry its prompt inside the answers; the answers must be there.
      empty =
          kind == DatasetKind::Chat ? e.messages.empty() : e.chosen.empty() || e.rejected.empty();
      for (const auto* list : {&e.messages, &e.chosen, &e.rejected})
        for (const auto& m : *list) empty = empty || isBlank(m.content);
      break;
    case DatasetKind::RawText:
      empty = isBlank(e.text);
      break;
    case DatasetKind::Classification:
      empty = isBlank(e.text) || isBlank(e.label);
      break;
  }
  return empty ? Outcome::Remove : Outcome::Keep;
}

LengthFilterStep::LengthFilterStep(bool tokens, size_t min, size_t max, TokenCounter counter)
    : tokens_(tokens), min_(min), max_(max), counter_(std::move(counter)) {
  if (tokens_ && !counter_)
    throw Error(
        "a token length filter needs a model tokenizer: choose the model first, or "
        "filter by characters");
  if (max_ != 0 && max_ < min_)
    throw Error("cleaning setting \"max\" (" + std::to_string(max_) +
                ") is smaller than \"min\" (" + std::to_string(min_) + ")");
}

std::unique_ptr<CleaningStep> LengthFilterStep::fromSettings(const nlohmann::json& s,
                                                             const TokenCounter& counter) {
  const std::string unit = stringSetting(s, "unit", "chars");
  if (unit != "chars" && unit != "tokens")
    throw Error("cleaning setting \"unit\" must be \"chars\" or \"tokens\"");
  return std::make_unique<LengthFilterStep>(unit == "tokens", size_t(numberSetting(s, "min", 0)),
                                            size_t(numberSetting(s, "max", 0)), counter);
}

nlohmann::json LengthFilterStep::settings() const {
  return {{"unit", tokens_ ? "tokens" : "chars"}, {"min", min_}, {"max", max_}};
}

PerExampleStep::Outcome LengthFilterStep::process(Example& e, DatasetKind kind) {
  const std::string text = joinedText(e, kind);
  const size_t length = tokens_ ? counter_(text) : codePoints(text);
  return length < min_ || (max_ != 0 && length > max_) ? Outcome::Remove : Outcome::Keep;
}

RegexFilterStep::RegexFilterStep(const std::string& pattern, bool keepMatching)
    : regex_(compileRegex(pattern)), keepMatching_(keepMatching) {}
RegexFilterStep::~RegexFilterStep() = default;

std::unique_ptr<CleaningStep> RegexFilterStep::fromSettings(const nlohmann::json& s) {
  const std::string keep = stringSetting(s, "keep", "non-matching");
  if (keep != "matching" && keep != "non-matching")
    throw Error("cleaning setting \"keep\" must be \"matching\" or \"non-matching\"");
  const std::string pattern = stringSetting(s, "pattern", "");
  if (pattern.empty()) throw Error("cleaning setting \"pattern\" is missing or empty");
  return std::make_unique<RegexFilterStep>(pattern, keep == "matching");
}

nlohmann::json RegexFilterStep::settings() const {
  return {{"pattern", regex_->pattern()}, {"keep", keepMatching_ ? "matching" : "non-matching"}};
}

PerExampleStep::Outcome RegexFilterStep::process(Example& e, DatasetKind kind) {
  const bool matches = re2::RE2::PartialMatch(joinedText(e, kind), *regex_);
  return matches == keepMatching_ ? Outcome::Keep : Outcome::Remove;
}

RegexReplaceStep::RegexReplaceStep(const std::string& pattern, std::string replacement)
    : regex_(compileRegex(pattern)), replacement_(std::move(replacement)) {
  std::string problem;
  if (!regex_->CheckRewriteString(replacement_, &problem))
    throw Error("replacement \"" + replacement_ + "\" for \"" + pattern + "\": " + problem);
}
RegexReplaceStep::~RegexReplaceStep() = default;

std::unique_ptr<CleaningStep> RegexReplaceStep::fromSettings(const nlohmann::json& s) {
  const std::string pattern = stringSetting(s, "pattern", "");
  if (pattern.empty()) throw Error("cleaning setting \"pattern\" is missing or empty");
  return std::make_unique<RegexReplaceStep>(pattern, stringSetting(s, "replacement", ""));
}

nlohmann::json RegexReplaceStep::settings() const {
  return {{"pattern", regex_->pattern()}, {"replacement", replacement_}};
}

PerExampleStep::Outcome RegexReplaceStep::process(Example& e, DatasetKind kind) {
  return transformTexts(e, kind, [&](std::string t) {
    re2::RE2::GlobalReplace(&t, *regex_, replacement_);
    return t;
  });
}

}  // namespace tunebench
