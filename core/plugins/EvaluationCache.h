#pragma once
// What evaluations computed before, by key: log-likelihood scores of benchmark requests and
// generated answers. An evaluator that gets one (EvaluatorRequest::cache) runs only what it does
// not find and stores what it computes as it goes, so an interrupted evaluation resumes and
// evaluating the same model again is free. The keys mix in modelIdentity(), so a cache is bound
// to one model source; scoredRequestKey (eval/LoglikelihoodScoring.h) and generatedAnswerKey
// (eval/GeneratedAnswers.h) make them. EvaluationJob gives one kept in the project it records
// into (eval/ProjectEvaluationCache.h).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tunebench {

struct CachedScore {
  double logLikelihood = 0.0;
  bool greedy = true;
};

class EvaluationCache {
 public:
  virtual ~EvaluationCache() = default;
  // Where the entries live, for the log: "the project's cache".
  virtual std::string description() const = 0;
  // What identifies the model source the entries belong to; may read its weights the first time
  // (eval/ModelSourceIdentity.h). Empty when it cannot be had (canceled): use no cache then.
  virtual std::string modelIdentity() = 0;
  // In the keys' order; empty where a key has none. A cache that fails finds nothing and stores
  // nothing (saying so once in the log) rather than failing the evaluation.
  virtual std::vector<std::optional<CachedScore>> findScores(
      const std::vector<std::string>& keys) = 0;
  virtual void storeScores(const std::vector<std::pair<std::string, CachedScore>>& scores) = 0;
  virtual std::vector<std::optional<std::string>> findAnswers(
      const std::vector<std::string>& keys) = 0;
  virtual void storeAnswers(const std::vector<std::pair<std::string, std::string>>& answers) = 0;
};

}  // namespace tunebench
