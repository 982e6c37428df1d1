#pragma once
// A pre-tokenizer split pattern of tokenizer.json (Oniguruma syntax) run with RE2.
//
// RE2 has no lookaround, yet GPT-2, Llama-3 and Qwen2 all use the alternative \s+(?!\S)
// ("a whitespace run, minus its last character when a non-space follows"). The pattern is cut at
// that top-level alternative: the alternatives before and after it are compiled with RE2 and the
// lookahead alternative is done in code, in the same leftmost-first order a backtracking engine
// uses. \s, \S, \d and \w are widened to their Unicode meaning, as Oniguruma has them.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace tunebench {

class SplitRegex {
 public:
  // Throws tunebench::Error naming the problem when the pattern is not supported or invalid.
  explicit SplitRegex(const std::string& pattern);
  ~SplitRegex();
  SplitRegex(SplitRegex&&) noexcept;
  SplitRegex& operator=(SplitRegex&&) noexcept;

  using Range = std::pair<size_t, size_t>;  // byte offsets [first, second)

  // The non-empty matches, leftmost first, as a regex find-all gives them.
  std::vector<Range> matches(std::string_view text) const;
  // Matches and the gaps between them, in order, covering the whole text ("Isolated").
  std::vector<Range> isolated(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

  // Rewrites Oniguruma class escapes into RE2 syntax (exposed for tests).
  static std::string translate(const std::string& pattern);

 private:
  // Length of the match at pos (0 when none).
  size_t matchAt(std::string_view text, size_t pos) const;

  std::string pattern_;
  std::unique_ptr<re2::RE2> before_;
  bool hasLookahead_ = false;
  std::unique_ptr<re2::RE2> after_;
};

// The pattern GPT-2's ByteLevel pre-tokenizer uses when use_regex is true.
extern const char* const kGpt2SplitPattern;

}  // namespace tunebench
