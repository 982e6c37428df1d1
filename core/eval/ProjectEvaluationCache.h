#pragma once
// The evaluation cache kept in a project file (store/ScoredRequestRepository.h), for one model
// source. It opens its own connection on first use (evaluators that never ask open none), holds
// no transaction between calls, and computes the source's identity once, when first asked. A
// failing store (the disk is full, the file is locked too long) turns the cache off for the rest
// of the evaluation with a warning in the log: the evaluation goes on without it. This header
// does not include LibTorch.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugins/EvaluationCache.h"
#include "plugins/ModelSource.h"

namespace tunebench {

class JobContext;

namespace store {
class ProjectStore;
}

class ProjectEvaluationCache : public EvaluationCache {
 public:
  // `context` (may be nullptr) gets the fingerprinting's progress and the cache's warnings; it
  // must outlive the cache.
  ProjectEvaluationCache(std::filesystem::path projectFile, ModelSource source,
                         JobContext* context);
  ~ProjectEvaluationCache() override;

  std::string description() const override { return "the project's cache"; }
  std::string modelIdentity() override;
  std::vector<std::optional<CachedScore>> findScores(const std::vector<std::string>& keys) override;
  void storeScores(const std::vector<std::pair<std::string, CachedScore>>& scores) override;
  std::vector<std::optional<std::string>> findAnswers(
      const std::vector<std::string>& keys) override;
  void storeAnswers(const std::vector<std::pair<std::string, std::string>>& answers) override;

 private:
  store::ProjectStore* project();  // nullptr once the cache is off
  void turnOff(const std::string& why);

  std::filesystem::path projectFile_;
  ModelSource source_;
  JobContext* context_;
  std::unique_ptr<store::ProjectStore> project_;
  std::optional<std::string> identity_;
  bool off_ = false;
};

}  // namespace tunebench
