#include "eval/ProjectEvaluationCache.h"

#include "common/Error.h"
#include "eval/ModelSourceIdentity.h"
#include "jobs/JobContext.h"
#include "store/ProjectStore.h"
#include "store/ScoredRequestRepository.h"

namespace tunebench {

ProjectEvaluationCache::ProjectEvaluationCache(std::filesystem::path projectFile,
                                               ModelSource source, JobContext* context)
    : projectFile_(std::move(projectFile)), source_(std::move(source)), context_(context) {}

ProjectEvaluationCache::~ProjectEvaluationCache() = default;

void ProjectEvaluationCache::turnOff(const std::string& why) {
  off_ = true;
  project_.reset();
  if (context_)
    context_->log(LogLevel::Warning, "the project's evaluation cache is not used: " + why);
}

store::ProjectStore* ProjectEvaluationCache::project() {
  if (off_) return nullptr;
  if (!project_) {
    try {
      project_ = std::make_unique<store::ProjectStore>(store::ProjectStore::open(projectFile_));
    } catch (const Error& e) {
      turnOff(e.what());
      return nullptr;
    }
    if (project_->isReadOnly()) turnOff(projectFile_.string() + " is open read-only");
  }
  return project_.get();
}

std::string ProjectEvaluationCache::modelIdentity() {
  if (identity_) return *identity_;
  if (off_) return {};
  try {
    auto identity = modelSourceIdentity(source_, context_);
    if (identity.empty()) return {};  // canceled: asked again next time
    identity_ = std::move(identity);
  } catch (const Error& e) {
    turnOff(e.what());
    return {};
  }
  return *identity_;
}

std::vector<std::optional<CachedScore>> ProjectEvaluationCache::findScores(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<CachedScore>> found(keys.size());
  auto* project = this->project();
  if (!project) return found;
  try {
    const auto stored = store::ScoredRequestRepository(*project).find(keys);
    for (size_t i = 0; i < keys.size(); ++i)
      if (stored[i]) found[i] = CachedScore{stored[i]->logLikelihood, stored[i]->greedy};
  } catch (const Error& e) {
    turnOff(e.what());
  }
  return found;
}

void ProjectEvaluationCache::storeScores(
    const std::vector<std::pair<std::string, CachedScore>>& scores) {
  auto* project = this->project();
  if (!project) return;
  std::vector<std::pair<std::string, store::StoredScore>> rows;
  rows.reserve(scores.size());
  for (const auto& [key, score] : scores)
    rows.emplace_back(key, store::StoredScore{score.logLikelihood, score.greedy});
  try {
    store::ScoredRequestRepository(*project).store(rows);
  } catch (const Error& e) {
    turnOff(e.what());
  }
}

std::vector<std::optional<std::string>> ProjectEvaluationCache::findAnswers(
    const std::vector<std::string>& keys) {
  auto* project = this->project();
  if (!project) return std::vector<std::optional<std::string>>(keys.size());
  try {
    return store::GeneratedAnswerRepository(*project).find(keys);
  } catch (const Error& e) {
    turnOff(e.what());
    return std::vector<std::optional<std::string>>(keys.size());
  }
}

void ProjectEvaluationCache::storeAnswers(
    const std::vector<std::pair<std::string, std::string>>& answers) {
  auto* project = this->project();
  if (!project) return;
  try {
    store::GeneratedAnswerRepository(*project).store(answers);
  } catch (const Error& e) {
    turnOff(e.what());
  }
}

}  // namespace tunebench
