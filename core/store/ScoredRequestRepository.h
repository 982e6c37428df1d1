#pragma once
// What evaluations computed, by key (migration 0007): log-likelihood scores of benchmark requests
// and generated answers. The keys are opaque here (core/eval makes them: scoredRequestKey). Scores
// read back exactly as stored, NaN, ±Inf and -0.0 included.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tunebench::store {

class ProjectStore;

struct StoredScore {
  double logLikelihood = 0.0;
  bool greedy = true;
};

class ScoredRequestRepository {
 public:
  explicit ScoredRequestRepository(ProjectStore& store) : store_(store) {}

  // The scores stored under the keys, in the keys' order; empty where a key has none.
  std::vector<std::optional<StoredScore>> find(const std::vector<std::string>& keys);
  // Stores the scores, replacing any under the same keys, in one transaction (or the caller's).
  void store(const std::vector<std::pair<std::string, StoredScore>>& scores);
  int64_t count();

 private:
  ProjectStore& store_;
};

class GeneratedAnswerRepository {
 public:
  explicit GeneratedAnswerRepository(ProjectStore& store) : store_(store) {}

  std::vector<std::optional<std::string>> find(const std::vector<std::string>& keys);
  void store(const std::vector<std::pair<std::string, std::string>>& answers);
  int64_t count();

 private:
  ProjectStore& store_;
};

}  // namespace tunebench::store
