// Repositories over a project: run list filters and sorting, config diff, dataset pages,
// checkpoints, events, evaluations, exports and the project check.
#include <QtTest>

#include "StoreTestSupport.h"
#include "store/ArtifactRepository.h"
#include "store/DatasetRepository.h"
#include "store/EvaluationRepository.h"
#include "store/EventRepository.h"
#include "store/ProjectCheck.h"
#include "store/RunRepository.h"

using namespace tunebench::store;
namespace fs = std::filesystem;

namespace {

QString names(const std::vector<RunRecord>& runs) {
  QStringList list;
  for (const auto& run : runs) list << QString::fromStdString(run.name);
  return list.join(",");
}

}  // namespace

class StoreRepositoriesTest : public QObject {
  Q_OBJECT
 private slots:
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    store_ = std::make_unique<ProjectStore>(ProjectStore::create(storetest::projectPath(*dir_)));
  }

  void cleanup() {
    store_.reset();
    dir_.reset();
  }

  void listsRunsWithFiltersAndSorting_data() {
    QTest::addColumn<QString>("filterName");
    QTest::addColumn<QString>("expected");
    QTest::newRow("all, newest first") << "all"
                                       << "delta,Charlie,bravo,alpha";
    QTest::newRow("by name ascending") << "name asc"
                                       << "alpha,bravo,Charlie,delta";
    QTest::newRow("status running or failed") << "status"
                                              << "Charlie,alpha";
    QTest::newRow("study") << "study"
                           << "bravo,alpha";
    QTest::newRow("tag") << "tag"
                         << "delta,alpha";
    QTest::newRow("name contains, any case") << "contains"
                                             << "Charlie,alpha";
    QTest::newRow("page of two") << "page"
                                 << "Charlie,bravo";
    QTest::newRow("finished first") << "finished"
                                    << "bravo,delta,Charlie,alpha";
  }

  void listsRunsWithFiltersAndSorting() {
    QFETCH(QString, filterName);
    QFETCH(QString, expected);
    RunRepository runs(*store_);
    const auto study = runs.ensureStudy("sweep");
    QCOMPARE(runs.ensureStudy("sweep"), study);
    NewRun alpha("alpha");
    alpha.studyId = study;
    alpha.tags = {"best", "lora"};
    NewRun bravo("bravo");
    bravo.studyId = study;
    NewRun delta("delta");
    delta.tags = {"best"};
    const auto a = runs.create(alpha);
    const auto b = runs.create(bravo);
    const auto c = runs.create({"Charlie"});
    const auto d = runs.create(delta);
    runs.markRunning(a, getpid());
    runs.setStatus(b, RunStatus::Completed);
    QTest::qWait(2);
    runs.setStatus(d, RunStatus::Stopped);
    QTest::qWait(2);
    runs.setStatus(c, RunStatus::Failed);
    QCOMPARE(runs.find(a)->tags, (std::vector<std::string>{"best", "lora"}));

    RunFilter filter;
    if (filterName == "name asc") {
      filter.sortBy = RunFilter::SortBy::Name;
      filter.descending = false;
    }
    if (filterName == "status") filter.statuses = {RunStatus::Running, RunStatus::Failed};
    if (filterName == "study") filter.studyId = study;
    if (filterName == "tag") filter.tag = "best";
    if (filterName == "contains") filter.nameContains = "A";
    if (filterName == "contains") filter.statuses = {RunStatus::Running, RunStatus::Failed};
    if (filterName == "page") {
      filter.limit = 2;
      filter.offset = 1;
    }
    if (filterName == "finished") {
      filter.sortBy = RunFilter::SortBy::Finished;
      filter.descending = false;
    }
    QCOMPARE(names(runs.list(filter)), expected);
  }

  void statusChangesKeepTimes() {
    RunRepository runs(*store_);
    const auto id = runs.create({"r"});
    QVERIFY(!runs.find(id)->startedAt);
    runs.markRunning(id, 4242);
    auto run = *runs.find(id);
    QCOMPARE(run.status, RunStatus::Running);
    QCOMPARE(run.ownerPid.value_or(0), int64_t(4242));
    QVERIFY(run.startedAt && run.heartbeatAt && !run.finishedAt);
    runs.setStatus(id, RunStatus::Completed);
    QVERIFY(runs.find(id)->finishedAt);
    storetest::expectError([&] { runs.setStatus(999, RunStatus::Failed); }, {"no run with id 999"});
    storetest::expectError([] { parseRunStatus("exploded"); }, {"unknown run status"});
    runs.setNotes(id, "good one");
    runs.addTag(id, "x");
    runs.removeTag(id, "x");
    QCOMPARE(runs.find(id)->notes, std::string("good one"));
    QVERIFY(runs.find(id)->tags.empty());
  }

  void diffsRunConfigs() {
    RunRepository runs(*store_);
    NewRun a("a"), b("b"), c("c");
    a.config = R"({"optim":{"lr":0.001,"name":"adamw"},"epochs":3,"layers":[1,2]})";
    b.config = R"({"optim":{"lr":0.0002,"name":"adamw"},"epochs":3,"layers":[1,2],"seed":7})";
    c.config = R"({"optim":{"lr":0.001,"name":"adamw"},"epochs":3,"layers":[1,3]})";
    const auto diff = runs.configDiff({runs.create(a), runs.create(b), runs.create(c)});
    QCOMPARE(diff.size(), size_t(3));
    QCOMPARE(diff[0].key, std::string("layers"));
    QCOMPARE(*diff[0].values[2], std::string("[1,3]"));
    QCOMPARE(diff[1].key, std::string("optim.lr"));
    QCOMPARE(*diff[1].values[1], std::string("0.0002"));
    QCOMPARE(diff[2].key, std::string("seed"));
    QVERIFY(!diff[2].values[0] && *diff[2].values[1] == "7" && !diff[2].values[2]);
    QVERIFY(diffConfigs({"{}", "{}"}).empty());
    storetest::expectError([] { diffConfigs({"{}", "{oops"}); }, {"config 2 is not valid JSON"});
  }

  void pagesDatasetRows_data() {
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("expectedCount");
    QTest::newRow("first page") << qint64(0) << qint64(100) << qint64(100);
    QTest::newRow("middle page") << qint64(1234) << qint64(100) << qint64(100);
    QTest::newRow("last partial page") << qint64(2950) << qint64(100) << qint64(50);
    QTest::newRow("past the end") << qint64(5000) << qint64(100) << qint64(0);
  }

  void pagesDatasetRows() {
    QFETCH(qint64, offset);
    QFETCH(qint64, limit);
    QFETCH(qint64, expectedCount);
    DatasetRepository datasets(*store_);
    NewDataset dataset{"chat", fs::path(dir_->path().toStdString()) / "chat.jsonl", "ab12", "{}",
                       R"({"format":"jsonl"})"};
    const auto id = datasets.createDataset(dataset);
    QCOMPARE(datasets.findDataset(id)->sourcePath, std::string("chat.jsonl"));
    const auto v1 = datasets.createVersion(id, std::nullopt);
    std::vector<DatasetRow> rows;
    for (int i = 0; i < 3000; ++i)
      rows.push_back({0, std::nullopt, "{\"i\":" + std::to_string(i) + "}"});
    {
      Transaction import(store_->db());  // a whole import is all-or-nothing
      datasets.appendRows(v1, {rows.begin(), rows.begin() + 1000});
      datasets.appendRows(v1, {rows.begin() + 1000, rows.end()});
      datasets.appendRejects(v1, {{17, "not JSON", "{oops"}});
      import.commit();
    }
    datasets.assignSplit(v1, 2700, 300, "test");
    QCOMPARE(datasets.findVersion(v1)->recordCount, int64_t(3000));
    QCOMPARE(datasets.findVersion(v1)->rejectCount, int64_t(1));
    QCOMPARE(datasets.rejects(v1, 0, 10).at(0).reason, std::string("not JSON"));

    const auto page = datasets.page(v1, offset, limit);
    QCOMPARE(qint64(page.size()), expectedCount);
    for (size_t i = 0; i < page.size(); ++i) {
      const int64_t index = offset + int64_t(i);
      QCOMPARE(page[i].index, index);
      QCOMPARE(page[i].data, "{\"i\":" + std::to_string(index) + "}");
      QCOMPARE(page[i].split.has_value(), index >= 2700);
    }

    const auto v2 = datasets.createVersion(id, v1, {{"dedupe", "{}"}, {"trim", R"({"max":10})"}});
    QCOMPARE(datasets.findVersion(v2)->number, int64_t(2));
    QCOMPARE(datasets.recipe(v2).at(1).params, std::string(R"({"max":10})"));
    QCOMPARE(datasets.versions(id).size(), size_t(2));
    QVERIFY(datasets.page(v2, 0, 10).empty());
  }

  void failedImportLeavesNothing() {
    DatasetRepository datasets(*store_);
    const auto id = datasets.createDataset({"d", "d.jsonl", "00"});
    const auto v1 = datasets.createVersion(id, std::nullopt);
    try {
      Transaction import(store_->db());
      datasets.appendRows(v1, {{0, std::nullopt, "{}"}, {0, std::nullopt, "{}"}});
      throw std::runtime_error("the importer failed half-way");
    } catch (const std::runtime_error&) {
    }
    QCOMPARE(datasets.findVersion(v1)->recordCount, int64_t(0));
    QVERIFY(datasets.page(v1, 0, 10).empty());
  }

  void repositoryWritesJoinTheCallersTransaction() {
    RunRepository runs(*store_);
    CheckpointRepository checkpoints(*store_);
    {
      Transaction outer(store_->db());
      const auto run = runs.create({"abandoned"});
      checkpoints.add(run, 1, "checkpoints/a", "00");
      QCOMPARE(runs.list().size(), size_t(1));  // visible inside the transaction
    }                                           // rolled back
    QVERIFY(runs.list().empty());
    int64_t kept = 0;
    {
      Transaction outer(store_->db());
      kept = runs.create({"kept"});
      try {
        Transaction inner(store_->db());
        checkpoints.add(kept, 1, "checkpoints/k", "00");
        throw std::runtime_error("the checkpoint write failed");
      } catch (const std::runtime_error&) {
      }
      outer.commit();
    }
    QCOMPARE(names(runs.list()), QString("kept"));
    QVERIFY(checkpoints.forRun(kept).empty());
  }

  void tracksCheckpointsEventsEvaluationsAndExports() {
    RunRepository runs(*store_);
    const auto run = runs.create({"r"});
    CheckpointRepository checkpoints(*store_);
    checkpoints.add(run, 100, "checkpoints/r/100", "aa");
    const auto partial = checkpoints.add(run, 200, "checkpoints/r/200", "bb", false);
    QCOMPARE(checkpoints.latestComplete(run)->step, int64_t(100));
    checkpoints.markComplete(partial);
    QCOMPARE(checkpoints.latestComplete(run)->step, int64_t(200));
    QCOMPARE(checkpoints.forRun(run).size(), size_t(2));

    EventRepository events(*store_);
    events.add(run, tunebench::LogLevel::Info, "resume", "resumed at 100");
    events.add(run, tunebench::LogLevel::Warning, "guard", "loss spike", R"({"step":150})");
    events.add(std::nullopt, tunebench::LogLevel::Error, "import", "bad file");
    QCOMPARE(events.list(run).size(), size_t(2));
    QCOMPARE(events.list(run, tunebench::LogLevel::Warning).at(0).details,
             std::string(R"({"step":150})"));
    QCOMPARE(events.list(std::nullopt).at(0).message, std::string("bad file"));

    EvaluationRepository evaluations(*store_);
    const auto evaluation = evaluations.create(std::nullopt, partial, "mmlu-tiny");
    evaluations.setMetric(evaluation, "accuracy", 0.5);
    evaluations.setMetric(evaluation, "perplexity", std::numeric_limits<double>::infinity());
    evaluations.addItems(evaluation,
                         {{0, "q0", "a", "a", 1.0, "{}"}, {1, "q1", "b", "c", 0.0, "{}"}});
    QCOMPARE(evaluations.forRun(run).size(), size_t(1));
    const auto metrics = evaluations.metrics(evaluation);
    QCOMPARE(metrics.at(0).second, 0.5);
    QVERIFY(std::isinf(metrics.at(1).second));
    QCOMPARE(evaluations.items(evaluation, 1, 10).at(0).output, std::string("c"));
    storetest::expectError([&] { evaluations.create(std::nullopt, std::nullopt, "x"); },
                           {"needs a run, a checkpoint or a model"});

    ExportRepository exports(*store_);
    exports.add(run, partial, "gguf", "exports/r.gguf", "cc");
    QCOMPARE(exports.list().at(0).format, std::string("gguf"));
    ModelRepository models(*store_);
    const auto model = models.add("tiny", "models/tiny", "llama", "dd");
    QCOMPARE(models.find(model)->folder, std::string("models/tiny"));
  }

  void checkReportsMissingAndOrphanedFiles() {
    const fs::path root = dir_->path().toStdString();
    fs::create_directories(root / "checkpoints" / "r" / "100");
    fs::create_directories(root / "exports");
    storetest::writeBytes(root / "checkpoints" / "r" / "100" / "model.safetensors", "w");
    storetest::writeBytes(root / "checkpoints" / "r" / "100" / "DONE", "");
    storetest::writeBytes(root / "checkpoints" / "left-over.tmp", "x");
    storetest::writeBytes(root / "exports" / "old.gguf", "x");
    storetest::writeBytes(root / "notes.txt", "not an artifact folder");
    const auto run = RunRepository(*store_).create({"r"});
    CheckpointRepository(*store_).add(run, 100, root / "checkpoints" / "r" / "100", "aa");
    ExportRepository(*store_).add(run, std::nullopt, "gguf", "exports/gone.gguf", "bb");

    const auto report = checkProject(*store_);
    QVERIFY(report.integrityProblems.empty());
    QCOMPARE(report.missingFiles, std::vector<std::string>{"exports/gone.gguf"});
    QCOMPARE(report.orphanedFiles,
             (std::vector<std::string>{"checkpoints/left-over.tmp", "exports/old.gguf"}));
    QVERIFY(!report.ok());
  }

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<ProjectStore> store_;
};

QTEST_GUILESS_MAIN(StoreRepositoriesTest)
#include "tst_store_repositories.moc"
