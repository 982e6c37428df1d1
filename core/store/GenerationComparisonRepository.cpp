#include "store/GenerationComparisonRepository.h"

#include "common/Error.h"
#include "store/ProjectStore.h"
#include "store/StoreClock.h"

namespace tunebench::store {

namespace {

std::string storedPath(const ProjectStore& store, const std::string& path) {
  return path.empty() ? std::string() : store.toProjectPath(path);
}

std::string readPath(const ProjectStore& store, const std::string& path) {
  return path.empty() ? std::string() : store.resolve(path).string();
}

ProjectStore openForReading(const std::string& projectFile) {
  OpenOptions options;
  options.readOnly = true;
  return ProjectStore::open(projectFile, options);
}

}  // namespace

int64_t GenerationComparisonRepository::add(const GenerationComparisonRecord& comparison) {
  if (comparison.outputs.empty()) throw Error("a generation comparison needs at least one output");
  auto& db = store_.db();
  Transaction transaction(db);
  db.prepare("INSERT INTO generation_comparison (prompt, settings, created_at) VALUES (?, ?, ?)")
      .bindAll(comparison.prompt, comparison.settings, unixTimeNow())
      .run();
  const int64_t id = db.lastInsertId();
  auto insert = db.prepare(
      "INSERT INTO generation_output (comparison_id, position, label, run_id, checkpoint_step, "
      "model_folder, adapter_folder, checkpoint_folder, text, tokens, seconds) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t position = 0;
  for (const auto& output : comparison.outputs) {
    insert
        .bindAll(id, position++, output.label, output.runId, output.checkpointStep,
                 storedPath(store_, output.modelFolder), storedPath(store_, output.adapterFolder),
                 storedPath(store_, output.checkpointFolder), output.text, output.tokens,
                 output.seconds)
        .run();
    insert.reset();
  }
  transaction.commit();
  return id;
}

std::vector<GenerationComparisonRecord> GenerationComparisonRepository::list() {
  auto& db = store_.db();
  auto select = db.prepare(
      "SELECT id, prompt, settings, created_at FROM generation_comparison "
      "ORDER BY created_at DESC, id DESC");
  auto labels =
      db.prepare("SELECT label FROM generation_output WHERE comparison_id = ? ORDER BY position");
  std::vector<GenerationComparisonRecord> comparisons;
  while (select.step()) {
    GenerationComparisonRecord record;
    record.id = select.int64(0);
    record.prompt = select.text(1);
    record.settings = select.text(2);
    record.createdAt = select.real(3);
    labels.bind(1, record.id);
    while (labels.step()) {
      GenerationOutputRecord output;
      output.label = labels.text(0);
      record.outputs.push_back(std::move(output));
    }
    labels.reset();
    comparisons.push_back(std::move(record));
  }
  return comparisons;
}

std::optional<GenerationComparisonRecord> GenerationComparisonRepository::find(int64_t id) {
  auto& db = store_.db();
  auto select =
      db.prepare("SELECT id, prompt, settings, created_at FROM generation_comparison WHERE id = ?");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  GenerationComparisonRecord record;
  record.id = select.int64(0);
  record.prompt = select.text(1);
  record.settings = select.text(2);
  record.createdAt = select.real(3);
  auto outputs = db.prepare(
      "SELECT label, run_id, checkpoint_step, model_folder, adapter_folder, checkpoint_folder, "
      "text, tokens, seconds FROM generation_output WHERE comparison_id = ? ORDER BY position");
  outputs.bind(1, id);
  while (outputs.step()) {
    GenerationOutputRecord output;
    output.label = outputs.text(0);
    output.runId = outputs.optionalInt64(1);
    output.checkpointStep = outputs.optionalInt64(2);
    output.modelFolder = readPath(store_, outputs.text(3));
    output.adapterFolder = readPath(store_, outputs.text(4));
    output.checkpointFolder = readPath(store_, outputs.text(5));
    output.text = outputs.text(6);
    output.tokens = outputs.int64(7);
    output.seconds = outputs.real(8);
    record.outputs.push_back(std::move(output));
  }
  return record;
}

void GenerationComparisonRepository::remove(int64_t id) {
  store_.db().prepare("DELETE FROM generation_comparison WHERE id = ?").bind(1, id).run();
}

std::vector<GenerationComparisonRecord> readGenerationComparisons(const std::string& projectFile) {
  auto project = openForReading(projectFile);
  return GenerationComparisonRepository(project).list();
}

std::optional<GenerationComparisonRecord> readGenerationComparison(const std::string& projectFile,
                                                                   int64_t id) {
  auto project = openForReading(projectFile);
  return GenerationComparisonRepository(project).find(id);
}

}  // namespace tunebench::store
