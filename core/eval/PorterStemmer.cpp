#include "eval/PorterStemmer.h"

#include <functional>
#include <map>
#include <vector>

#include "common/Utf8.h"
#include "eval/SquadMetrics.h"

namespace tunebench {

namespace {

using Word = std::u32string;

bool endsWith(const Word& word, std::u32string_view suffix) {
  return word.size() >= suffix.size() &&
         std::u32string_view(word).substr(word.size() - suffix.size()) == suffix;
}

Word withoutSuffix(const Word& word, size_t suffixLength) {
  return word.substr(0, word.size() - suffixLength);
}

// A suffix-removal rule: the suffix ("*d" for a double consonant), what replaces it, and the
// condition on the stem left (none: unconditional).
struct Rule {
  std::u32string_view suffix;
  Word replacement;
  std::function<bool(const Word&)> condition;
};

class PorterStemmer {
 public:
  explicit PorterStemmer(PorterMode mode) : mode_(mode) {}

  Word stem(const Word& word) const;

 private:
  bool nltk() const { return mode_ == PorterMode::NltkExtensions; }

  bool isConsonant(const Word& word, size_t i) const {
    const char32_t c = word[i];
    if (c == U'a' || c == U'e' || c == U'i' || c == U'o' || c == U'u') return false;
    if (c == U'y') return i == 0 || !isConsonant(word, i - 1);
    return true;
  }

  // The number of vowel-consonant transitions, m in [C](VC){m}[V].
  int measure(const Word& stem) const {
    int m = 0;
    for (size_t i = 1; i < stem.size(); ++i)
      if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) ++m;
    return m;
  }

  bool containsVowel(const Word& stem) const {
    for (size_t i = 0; i < stem.size(); ++i)
      if (!isConsonant(stem, i)) return true;
    return false;
  }

  bool endsDoubleConsonant(const Word& word) const {
    const size_t n = word.size();
    return n >= 2 && word[n - 1] == word[n - 2] && isConsonant(word, n - 1);
  }

  // *o: consonant-vowel-consonant at the end, the last not w, x or y (NLTK: or a two-letter
  // vowel-consonant word).
  bool endsCvc(const Word& word) const {
    const size_t n = word.size();
    if (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) &&
        isConsonant(word, n - 1) && word[n - 1] != U'w' && word[n - 1] != U'x' &&
        word[n - 1] != U'y')
      return true;
    return nltk() && n == 2 && !isConsonant(word, 0) && isConsonant(word, 1);
  }

  std::function<bool(const Word&)> measureAbove(int m) const {
    return [this, m](const Word& stem) { return measure(stem) > m; };
  }

  Word applyFirstRule(const Word& word, const std::vector<Rule>& rules) const;
  Word step1a(const Word& word) const;
  Word step1b(const Word& word) const;
  Word step1c(const Word& word) const;
  Word step2(const Word& word) const;
  Word step3(const Word& word) const;
  Word step4(const Word& word) const;
  Word step5a(const Word& word) const;
  Word step5b(const Word& word) const;

  PorterMode mode_;
};

// _apply_rule_list: the first rule whose suffix the word has decides; its condition failing
// leaves the word as it is.
Word PorterStemmer::applyFirstRule(const Word& word, const std::vector<Rule>& rules) const {
  for (const Rule& rule : rules) {
    if (rule.suffix == U"*d" && endsDoubleConsonant(word)) {
      const Word stem = withoutSuffix(word, 2);
      return !rule.condition || rule.condition(stem) ? stem + rule.replacement : word;
    }
    if (endsWith(word, rule.suffix)) {
      const Word stem = withoutSuffix(word, rule.suffix.size());
      return !rule.condition || rule.condition(stem) ? stem + rule.replacement : word;
    }
  }
  return word;
}

Word PorterStemmer::step1a(const Word& word) const {
  if (nltk() && endsWith(word, U"ies") && word.size() == 4) return withoutSuffix(word, 3) + U"ie";
  return applyFirstRule(
      word, {{U"sses", U"ss", {}}, {U"ies", U"i", {}}, {U"ss", U"ss", {}}, {U"s", U"", {}}});
}

Word PorterStemmer::step1b(const Word& word) const {
  if (nltk() && endsWith(word, U"ied"))
    return withoutSuffix(word, 3) + (word.size() == 4 ? U"ie" : U"i");
  if (endsWith(word, U"eed")) {
    const Word stem = withoutSuffix(word, 3);
    return measure(stem) > 0 ? stem + U"ee" : word;
  }
  Word stem;
  if (endsWith(word, U"ed"))
    stem = withoutSuffix(word, 2);
  else if (endsWith(word, U"ing"))
    stem = withoutSuffix(word, 3);
  else
    return word;
  if (!containsVowel(stem)) return word;
  const char32_t last = stem.empty() ? U'\0' : stem.back();
  return applyFirstRule(
      stem, {{U"at", U"ate", {}},
             {U"bl", U"ble", {}},
             {U"iz", U"ize", {}},
             {U"*d", Word(1, last),
              [last](const Word&) { return last != U'l' && last != U's' && last != U'z'; }},
             {U"", U"e", [this](const Word& s) { return measure(s) == 1 && endsCvc(s); }}});
}

Word PorterStemmer::step1c(const Word& word) const {
  std::function<bool(const Word&)> condition = [this](const Word& stem) {
    return containsVowel(stem);
  };
  if (nltk())
    condition = [this](const Word& stem) {
      return stem.size() > 1 && isConsonant(stem, stem.size() - 1);
    };
  return applyFirstRule(word, {{U"y", U"i", condition}});
}

Word PorterStemmer::step2(const Word& word) const {
  const auto positive = measureAbove(0);
  if (nltk() && endsWith(word, U"alli") && positive(withoutSuffix(word, 4)))
    return step2(withoutSuffix(word, 4) + U"al");
  std::vector<Rule> rules = {{U"ational", U"ate", positive},
                             {U"tional", U"tion", positive},
                             {U"enci", U"ence", positive},
                             {U"anci", U"ance", positive},
                             {U"izer", U"ize", positive}};
  if (mode_ == PorterMode::OriginalAlgorithm)
    rules.push_back({U"abli", U"able", positive});
  else
    rules.push_back({U"bli", U"ble", positive});
  rules.insert(rules.end(), {{U"alli", U"al", positive},
                             {U"entli", U"ent", positive},
                             {U"eli", U"e", positive},
                             {U"ousli", U"ous", positive},
                             {U"ization", U"ize", positive},
                             {U"ation", U"ate", positive},
                             {U"ator", U"ate", positive},
                             {U"alism", U"al", positive},
                             {U"iveness", U"ive", positive},
                             {U"fulness", U"ful", positive},
                             {U"ousness", U"ous", positive},
                             {U"aliti", U"al", positive},
                             {U"iviti", U"ive", positive},
                             {U"biliti", U"ble", positive}});
  if (nltk()) {
    rules.push_back({U"fulli", U"ful", positive});
    // The 'l' of 'logi' stays with the stem, so that short stems such as 'geo' qualify.
    const Word withL = word.size() >= 3 ? withoutSuffix(word, 3) : Word();
    rules.push_back({U"logi", U"log", [positive, withL](const Word&) { return positive(withL); }});
  }
  if (mode_ == PorterMode::MartinExtensions) rules.push_back({U"logi", U"log", positive});
  return applyFirstRule(word, rules);
}

Word PorterStemmer::step3(const Word& word) const {
  const auto positive = measureAbove(0);
  return applyFirstRule(word, {{U"icate", U"ic", positive},
                               {U"ative", U"", positive},
                               {U"alize", U"al", positive},
                               {U"iciti", U"ic", positive},
                               {U"ical", U"ic", positive},
                               {U"ful", U"", positive},
                               {U"ness", U"", positive}});
}

Word PorterStemmer::step4(const Word& word) const {
  const auto above1 = measureAbove(1);
  const auto ionCondition = [above1](const Word& stem) {
    return above1(stem) && (stem.back() == U's' || stem.back() == U't');
  };
  std::vector<Rule> rules;
  for (std::u32string_view suffix :
       {U"al", U"ance", U"ence", U"er", U"ic", U"able", U"ible", U"ant", U"ement", U"ment", U"ent"})
    rules.push_back({suffix, U"", above1});
  rules.push_back({U"ion", U"", ionCondition});
  for (std::u32string_view suffix : {U"ou", U"ism", U"ate", U"iti", U"ous", U"ive", U"ize"})
    rules.push_back({suffix, U"", above1});
  return applyFirstRule(word, rules);
}

// Both rules of step 5a end in 'e', and the second applies when the first's condition fails.
Word PorterStemmer::step5a(const Word& word) const {
  if (!endsWith(word, U"e")) return word;
  const Word stem = withoutSuffix(word, 1);
  if (measure(stem) > 1) return stem;
  if (measure(stem) == 1 && !endsCvc(stem)) return stem;
  return word;
}

Word PorterStemmer::step5b(const Word& word) const {
  const Word withoutLastLetter = word.empty() ? Word() : withoutSuffix(word, 1);
  return applyFirstRule(word, {{U"ll", U"l", [this, withoutLastLetter](const Word&) {
                                  return measure(withoutLastLetter) > 1;
                                }}});
}

// NLTK's table of irregular forms, used in NLTK_EXTENSIONS mode only.
const std::map<Word, Word>& irregularForms() {
  static const std::map<Word, Word> forms = {
      {U"sky", U"sky"},        {U"skies", U"sky"},        {U"dying", U"die"},
      {U"lying", U"lie"},      {U"tying", U"tie"},        {U"news", U"news"},
      {U"innings", U"inning"}, {U"inning", U"inning"},    {U"outings", U"outing"},
      {U"outing", U"outing"},  {U"cannings", U"canning"}, {U"canning", U"canning"},
      {U"howe", U"howe"},      {U"proceed", U"proceed"},  {U"exceed", U"exceed"},
      {U"succeed", U"succeed"}};
  return forms;
}

Word PorterStemmer::stem(const Word& word) const {
  Word stem = pythonLower(word);
  // NLTK looks the word up before lower-casing it, and measures it before too.
  if (nltk()) {
    const auto irregular = irregularForms().find(word);
    if (irregular != irregularForms().end()) return irregular->second;
  }
  if (mode_ != PorterMode::OriginalAlgorithm && word.size() <= 2) return stem;
  stem = step1a(stem);
  stem = step1b(stem);
  stem = step1c(stem);
  stem = step2(stem);
  stem = step3(stem);
  stem = step4(stem);
  stem = step5a(stem);
  return step5b(stem);
}

}  // namespace

std::string porterStem(std::string_view word, PorterMode mode) {
  return codePointsToUtf8(PorterStemmer(mode).stem(utf8ToCodePoints(word)));
}

}  // namespace tunebench
