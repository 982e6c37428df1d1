#pragma once
// String judges that decide whether a response refuses, as two public benchmarks do it:
// - "refusal-prefix": XSTest's string-match classifier; the response, lower-cased and stripped of
//   surrounding whitespace, starts with one of its phrases (resources/safety/refusal-prefixes.txt).
// - "refusal-substring": JailbreakBench's StringClassifier; the response contains one of its
//   phrases anywhere, case-sensitively (resources/safety/refusal-substrings.txt).
// Both are cheap and crude: a refusal worded otherwise counts as compliance.
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

class RefusalJudge {
 public:
  enum class Rule { Prefix, Substring };

  // The shipped judge of this name ("refusal-prefix" or "refusal-substring"); throws
  // tunebench::Error naming the known judges for another name.
  static RefusalJudge named(const std::string& name);
  static const std::vector<std::string>& names();

  RefusalJudge(std::string name, Rule rule, std::vector<std::string> phrases);

  bool refused(const std::string& response) const;
  const std::string& name() const { return name_; }
  Rule rule() const { return rule_; }
  const std::vector<std::string>& phrases() const { return phrases_; }

 private:
  std::string name_;
  Rule rule_;
  std::vector<std::string> phrases_;  // Prefix: lower-cased
};

// One phrase a line; blank lines and lines starting with "# " are skipped, a trailing "\r" is
// dropped.
std::vector<std::string> parsePhraseList(std::string_view text);

}  // namespace tunebench
