#pragma once
// Multiple-choice questions scored by log-likelihood, as lm-evaluation-harness scores its
// `multiple_choice` tasks: one request (context, continuation) per choice; the prediction is the
// choice with the highest summed log-likelihood (acc), the highest per character of the choice's
// text (acc_norm) or per UTF-8 byte (acc_bytes); ties go to the first choice. Partial scoring
// (Winogrande) has one context per choice and one shared continuation. TruthfulQA's MC2 scores
// the normalised probability mass of the true answers.
#include <string>
#include <vector>

namespace tunebench {

struct ChoiceQuestion {
  // One context for all choices, or one per choice (partial scoring).
  std::vector<std::string> contexts;
  // One continuation per choice (" " + choice), or one shared by all contexts.
  std::vector<std::string> continuations;
  std::vector<std::string> choices;  // the choices' texts, whose lengths normalise acc_norm
  std::vector<size_t> gold;          // the right choices' indices (usually one)
  std::vector<bool> trueAnswers;     // probability-mass scoring: which choices are true
  bool probabilityMass = false;      // MC2: score = mass of trueAnswers; acc_norm unused
  std::string group;                 // MMLU's subject; empty when the task has none

  size_t choiceCount() const { return choices.size(); }
  // The i-th request's context and continuation.
  const std::string& contextOf(size_t choice) const;
  const std::string& continuationOf(size_t choice) const;
};

struct ChoiceScore {
  size_t predicted = 0, predictedByLength = 0, predictedByBytes = 0;
  double accuracy = 0.0;          // acc (or MC2's probability mass)
  double lengthNormalised = 0.0;  // acc_norm
  double byteNormalised = 0.0;    // acc_bytes
  bool greedyGold = false;        // the gold continuation is the greedy one (exact_match)
};

// Scores one question from its choices' summed log-likelihoods and greedy flags. Throws
// tunebench::Error when the counts do not match the choices.
ChoiceScore scoreChoiceQuestion(const ChoiceQuestion& question,
                                const std::vector<double>& logLikelihoods,
                                const std::vector<bool>& greedy);

// Python's len(): code points, not bytes.
size_t codePointCount(const std::string& text);

}  // namespace tunebench
