#include "store/EvaluationRepository.h"

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"
#include "store/StoredDouble.h"

namespace tunebench::store {

int64_t EvaluationRepository::create(std::optional<int64_t> runId,
                                     std::optional<int64_t> checkpointId,
                                     const std::string& suite) {
  if (!runId && !checkpointId)
    throw Error("evaluation of suite '" + suite + "' needs a run or a checkpoint");
  auto& db = store_.db();
  db.prepare(
        "INSERT INTO evaluation (run_id, checkpoint_id, suite, created_at) "
        "VALUES (?, ?, ?, ?)")
      .bindAll(runId, checkpointId, suite, unixTimeNow())
      .run();
  return db.lastInsertId();
}

void EvaluationRepository::setMetric(int64_t evaluationId, const std::string& name, double value) {
  const int kind = storedKindOf(value);
  auto insert = store_.db().prepare(
      "INSERT OR REPLACE INTO evaluation_metric (evaluation_id, name, value, kind) "
      "VALUES (?, ?, ?, ?)");
  insert.bindAll(evaluationId, name);
  if (kind == kFiniteValue)
    insert.bind(3, value);
  else
    insert.bindNull(3);
  insert.bind(4, kind).run();
}

void EvaluationRepository::addItems(int64_t evaluationId,
                                    const std::vector<EvaluationItem>& items) {
  auto& db = store_.db();
  Transaction transaction(db);
  auto insert = db.prepare(
      "INSERT INTO evaluation_item (evaluation_id, item_index, input, expected, output, score, "
      "details) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& item : items)
    insert
        .bindAll(evaluationId, item.index, item.input, item.expected, item.output, item.score,
                 item.details)
        .run();
  transaction.commit();
}

std::vector<EvaluationRecord> EvaluationRepository::forRun(int64_t runId) {
  auto select = store_.db().prepare(
      "SELECT id, run_id, checkpoint_id, suite, created_at FROM evaluation WHERE run_id = ?1 "
      "OR checkpoint_id IN (SELECT id FROM checkpoint WHERE run_id = ?1) ORDER BY created_at, id");
  select.bind(1, runId);
  std::vector<EvaluationRecord> result;
  while (select.step())
    result.push_back({select.int64(0), select.optionalInt64(1), select.optionalInt64(2),
                      select.text(3), select.real(4)});
  return result;
}

std::vector<std::pair<std::string, double>> EvaluationRepository::metrics(int64_t evaluationId) {
  auto select = store_.db().prepare(
      "SELECT name, value, kind FROM evaluation_metric WHERE evaluation_id = ? ORDER BY name");
  select.bind(1, evaluationId);
  std::vector<std::pair<std::string, double>> result;
  while (select.step())
    result.emplace_back(select.text(0),
                        decodeStoredDouble(static_cast<int>(select.int64(2)), select.real(1)));
  return result;
}

std::vector<EvaluationItem> EvaluationRepository::items(int64_t evaluationId, int64_t firstIndex,
                                                        int64_t limit) {
  auto select = store_.db().prepare(
      "SELECT item_index, input, expected, output, score, details FROM evaluation_item "
      "WHERE evaluation_id = ? AND item_index >= ? ORDER BY item_index LIMIT ?");
  select.bindAll(evaluationId, firstIndex, limit);
  std::vector<EvaluationItem> result;
  while (select.step())
    result.push_back({select.int64(0), select.text(1), select.text(2), select.text(3),
                      select.optionalReal(4), select.text(5)});
  return result;
}

}  // namespace tunebench::store
