#include "store/ScoredRequestRepository.h"

#include <cmath>

#include "store/ProjectStore.h"
#include "store/Sqlite.h"
#include "store/StoredDouble.h"

namespace tunebench::store {

namespace {

// StoredDouble's kinds, and one more: SQLite stores an integral REAL as an integer, so -0.0
// would read back as 0.0, and a cached score must be the one computed, bit for bit.
constexpr int kNegativeZeroValue = 4;

int scoreKindOf(double value) {
  if (value == 0.0 && std::signbit(value)) return kNegativeZeroValue;
  return storedKindOf(value);
}

double decodeScore(int kind, double stored) {
  return kind == kNegativeZeroValue ? -0.0 : decodeStoredDouble(kind, stored);
}

}  // namespace

std::vector<std::optional<StoredScore>> ScoredRequestRepository::find(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<StoredScore>> found(keys.size());
  if (keys.empty()) return found;
  auto& db = store_.db();
  ReadTransaction snapshot(db);
  auto select = db.prepare(
      "SELECT log_likelihood, log_likelihood_kind, greedy FROM scored_request WHERE key = ?");
  for (size_t i = 0; i < keys.size(); ++i) {
    select.bind(1, keys[i]);
    if (select.step())
      found[i] = StoredScore{decodeScore(static_cast<int>(select.int64(1)), select.real(0)),
                             select.int64(2) != 0};
    select.reset();
  }
  return found;
}

void ScoredRequestRepository::store(
    const std::vector<std::pair<std::string, StoredScore>>& scores) {
  if (scores.empty()) return;
  auto& db = store_.db();
  // Relaxed: a cache entry lost to a power cut is only computed again.
  Transaction transaction(db, Transaction::Durability::Relaxed);
  auto insert = db.prepare(
      "INSERT OR REPLACE INTO scored_request (key, log_likelihood, log_likelihood_kind, greedy) "
      "VALUES (?, ?, ?, ?)");
  for (const auto& [key, score] : scores) {
    const int kind = scoreKindOf(score.logLikelihood);
    insert.bind(1, key);
    if (kind == kFiniteValue)
      insert.bind(2, score.logLikelihood);
    else
      insert.bindNull(2);
    insert.bind(3, kind).bind(4, score.greedy ? 1 : 0);
    insert.run();
  }
  transaction.commit();
}

int64_t ScoredRequestRepository::count() {
  return store_.db().queryInt64("SELECT COUNT(*) FROM scored_request");
}

std::vector<std::optional<std::string>> GeneratedAnswerRepository::find(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> found(keys.size());
  if (keys.empty()) return found;
  auto& db = store_.db();
  ReadTransaction snapshot(db);
  auto select = db.prepare("SELECT text FROM generated_answer WHERE key = ?");
  for (size_t i = 0; i < keys.size(); ++i) {
    select.bind(1, keys[i]);
    if (select.step()) found[i] = select.text(0);
    select.reset();
  }
  return found;
}

void GeneratedAnswerRepository::store(
    const std::vector<std::pair<std::string, std::string>>& answers) {
  if (answers.empty()) return;
  auto& db = store_.db();
  Transaction transaction(db, Transaction::Durability::Relaxed);
  auto insert = db.prepare("INSERT OR REPLACE INTO generated_answer (key, text) VALUES (?, ?)");
  for (const auto& [key, text] : answers) insert.bindAll(key, text).run();
  transaction.commit();
}

int64_t GeneratedAnswerRepository::count() {
  return store_.db().queryInt64("SELECT COUNT(*) FROM generated_answer");
}

}  // namespace tunebench::store
