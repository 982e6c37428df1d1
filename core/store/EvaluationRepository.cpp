#include "store/EvaluationRepository.h"

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/Sqlite.h"
#include "store/StoreClock.h"
#include "store/StoredDouble.h"

namespace tunebench::store {

namespace {

// Projects of schema 5 and older (opened read-only by this build) have no identity columns.
constexpr int kIdentitySchema = 6;

std::string selectEvaluations(const ProjectStore& store, const std::string& where) {
  const bool identity = store.schemaVersion() >= kIdentitySchema;
  return std::string("SELECT id, run_id, checkpoint_id, ") +
         (identity ? "model_id, suite, created_at, data_sha256, evaluator, settings"
                   : "NULL, suite, created_at, '', '', '{}'") +
         " FROM evaluation WHERE " + where + " ORDER BY created_at, id";
}

std::vector<EvaluationRecord> readEvaluations(Statement& select) {
  std::vector<EvaluationRecord> result;
  while (select.step()) {
    EvaluationRecord record;
    record.id = select.int64(0);
    record.runId = select.optionalInt64(1);
    record.checkpointId = select.optionalInt64(2);
    record.modelId = select.optionalInt64(3);
    record.suite = select.text(4);
    record.createdAt = select.real(5);
    record.dataSha256 = select.text(6);
    record.evaluator = select.text(7);
    record.settings = select.text(8);
    result.push_back(std::move(record));
  }
  return result;
}

}  // namespace

std::string EvaluationRecord::identity() const {
  if (dataSha256.empty()) return "suite:" + suite;
  return "data:" + dataSha256 + " evaluator:" + evaluator + " settings:" + settings;
}

int64_t EvaluationRepository::create(const NewEvaluation& evaluation) {
  if (!evaluation.runId && !evaluation.checkpointId && !evaluation.modelId)
    throw Error("evaluation of suite '" + evaluation.suite +
                "' needs a run, a checkpoint or a model");
  auto& db = store_.db();
  db.prepare(
        "INSERT INTO evaluation (run_id, checkpoint_id, model_id, suite, data_sha256, evaluator, "
        "settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bindAll(evaluation.runId, evaluation.checkpointId, evaluation.modelId, evaluation.suite,
               evaluation.dataSha256, evaluation.evaluator, evaluation.settings, unixTimeNow())
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
  auto select = store_.db().prepare(selectEvaluations(
      store_, "run_id = ?1 OR checkpoint_id IN (SELECT id FROM checkpoint WHERE run_id = ?1)"));
  select.bind(1, runId);
  return readEvaluations(select);
}

std::vector<EvaluationRecord> EvaluationRepository::ofModels() {
  if (store_.schemaVersion() < kIdentitySchema) return {};
  auto select = store_.db().prepare(selectEvaluations(
      store_, "model_id IS NOT NULL AND run_id IS NULL AND checkpoint_id IS NULL"));
  return readEvaluations(select);
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
