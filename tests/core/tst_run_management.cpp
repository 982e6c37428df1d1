// Managing recorded runs: rename, tags, notes, deletion with and without files (never outside
// the project folder), the figures, timelines and config table the Runs panel compares.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "StoreTestSupport.h"
#include "store/ArtifactRepository.h"
#include "store/ConfigDiff.h"
#include "store/EventRepository.h"
#include "store/MetricRepository.h"
#include "store/RunDeletion.h"
#include "store/RunOverview.h"
#include "store/RunRepository.h"

using namespace tunebench::store;
namespace fs = std::filesystem;

namespace {

int64_t countRows(ProjectStore& store, const std::string& sql) {
  auto select = store.db().prepare(sql);
  select.step();
  return select.int64(0);
}

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  storetest::writeBytes(file, "x");
}

}  // namespace

class RunManagementTest : public QObject {
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

  void renamesRetagsAndAnnotatesRuns() {
    RunRepository runs(*store_);
    NewRun run("first");
    run.tags = {"old", "keep"};
    const int64_t id = runs.create(run);
    runs.rename(id, "baseline");
    runs.setTags(id, {"keep", "lr-sweep", "keep"});
    runs.setNotes(id, "loss plateaus after 300 steps");
    const auto found = runs.find(id);
    QVERIFY(found);
    QCOMPARE(found->name, std::string("baseline"));
    QCOMPARE(found->tags, (std::vector<std::string>{"keep", "lr-sweep"}));
    QCOMPARE(found->notes, std::string("loss plateaus after 300 steps"));
    storetest::expectError([&] { runs.rename(id, ""); }, {"non-empty name"});
    storetest::expectError([&] { runs.rename(id + 1, "x"); }, {"no run with id"});
    storetest::expectError([&] { runs.setTags(id + 1, {"x"}); }, {"no run with id"});
    // A bad tag leaves the old tags as they were.
    storetest::expectError(
        [&] {
          runs.setTags(id, {"fine", std::string("bad\x1f")});
        },
        {"control character"});
    QCOMPARE(runs.find(id)->tags, (std::vector<std::string>{"keep", "lr-sweep"}));
  }

  void removingARunRemovesItsRecordsOnly() {
    RunRepository runs(*store_);
    const int64_t doomed = runs.create(NewRun("doomed"));
    const int64_t other = runs.create(NewRun("other"));
    MetricRepository metrics(*store_);
    for (int64_t run : {doomed, other})
      metrics.append({{run, "loss", 1, 2.0, 10}, {run, "loss", 2, 1.5, 11}});
    EventRepository(*store_).add(doomed, tunebench::LogLevel::Warning, "diagnosis", "spike");
    CheckpointRepository(*store_).add(doomed, 2, "checkpoints/doomed/step-2", "abc");
    ExportRepository(*store_).add(doomed, std::nullopt, "adapter", "exports/a", "def");

    runs.remove(doomed);
    QVERIFY(!runs.find(doomed));
    QCOMPARE(
        countRows(*store_, "SELECT count(*) FROM metric WHERE run_id = " + std::to_string(doomed)),
        int64_t(0));
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM metric_rollup WHERE run_id = " +
                                    std::to_string(doomed)),
             int64_t(0));
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM event"), int64_t(0));
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM checkpoint"), int64_t(0));
    // The export stays, no longer tied to the run.
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM export WHERE run_id IS NULL"), int64_t(1));
    QCOMPARE(metrics.points(other, "loss").size(), size_t(2));
    storetest::expectError([&] { runs.remove(doomed); }, {"no run with id"});
  }

  void deletingWithoutFilesKeepsThem() {
    const fs::path output = store_->folder() / "checkpoints" / "run-a";
    touch(output / "step-10" / "DONE");
    const int64_t id = createRunWithOutput(output.string());
    const auto result = deleteRun(*store_, id, false);
    QVERIFY(result.removed.empty());
    QVERIFY(result.kept.empty());
    QVERIFY(fs::exists(output / "step-10" / "DONE"));
    QVERIFY(!RunRepository(*store_).find(id));
  }

  void deletingWithFilesRemovesOnlyWhatLiesInsideTheProject() {
    const fs::path output = store_->folder() / "checkpoints" / "run-b";
    touch(output / "step-10" / "DONE");
    const fs::path exported = store_->folder() / "exports" / "run-b-adapter";
    touch(exported / "adapter_model.safetensors");
    QTemporaryDir elsewhere;
    const fs::path outside = fs::path(elsewhere.path().toStdString()) / "precious";
    touch(outside / "weights");
    // A link inside the project that leads outside it.
    fs::create_directories(store_->folder() / "links");
    fs::create_directory_symlink(outside, store_->folder() / "links" / "out");

    const int64_t id = createRunWithOutput(output.string());
    CheckpointRepository(*store_).add(id, 10, output / "step-10", "abc");
    CheckpointRepository(*store_).add(id, 20, outside, "abc");
    CheckpointRepository(*store_).add(id, 30, store_->folder() / "links" / "out", "abc");
    CheckpointRepository(*store_).add(id, 40, store_->file(), "abc");
    ExportRepository(*store_).add(id, std::nullopt, "adapter", exported, "def");
    const auto files = runFiles(*store_, id);
    QCOMPARE(files.size(), size_t(6));

    const auto result = deleteRun(*store_, id, true);
    QVERIFY(!fs::exists(output));
    QVERIFY(!fs::exists(exported));
    QVERIFY(fs::exists(outside / "weights"));
    QVERIFY(fs::exists(store_->folder() / "links" / "out"));
    QVERIFY(fs::exists(store_->file()));
    QCOMPARE(result.removed.size(), size_t(3));  // output, its checkpoint, the export
    QCOMPARE(result.kept.size(), size_t(3));
    for (const auto& kept : result.kept)
      QVERIFY2(kept.keptBecause.find("outside the project") != std::string::npos ||
                   kept.keptBecause.find("project file") != std::string::npos,
               kept.keptBecause.c_str());
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM export"), int64_t(0));
    QCOMPARE(countRows(*store_, "SELECT count(*) FROM checkpoint"), int64_t(0));
  }

  void aRelativeOutputFolderIsNeverGuessed() {
    const fs::path guess = store_->folder() / "out";
    touch(guess / "file");
    const int64_t id = createRunWithOutput("out");
    const auto result = deleteRun(*store_, id, true);
    QVERIFY(result.removed.empty());
    QCOMPARE(result.kept.size(), size_t(1));
    QVERIFY(fs::exists(guess / "file"));
  }

  void tabulatesConfigsAndNamesTheMethod() {
    const auto rows = tabulateConfigs({R"({"lr": 0.1, "method": {"name": "lora", "r": 8}})",
                                       R"({"lr": 0.2, "method": {"name": "lora", "r": 8}})"});
    QCOMPARE(rows.size(), size_t(3));
    QCOMPARE(rows[0].key, std::string("lr"));
    QVERIFY(rows[0].differs);
    QVERIFY(!rows[1].differs);
    QCOMPARE(diffConfigs({R"({"a": 1, "b": 2})", R"({"a": 1, "b": 3})"}).size(), size_t(1));
    QCOMPARE(trainingMethodOf(R"({"method": {"name": "dora"}})"), std::string("dora"));
    QCOMPARE(trainingMethodOf(R"({"model": "m", "freeze": {"layers": 2}})"), std::string("freeze"));
    QCOMPARE(trainingMethodOf(R"({"model": "m"})"), std::string("full"));
    QCOMPARE(trainingMethodOf("{}"), std::string());
    QCOMPARE(trainingMethodOf("not json"), std::string());
  }

  void theOverviewComparesFiguresTimelinesAndConfigs() {
    RunRepository runs(*store_);
    NewRun a("a");
    a.config = R"({"lr": 0.1, "method": {"name": "lora"}})";
    NewRun b("b");
    b.config = R"({"lr": 0.2})";
    const int64_t first = runs.create(a), second = runs.create(b);
    MetricRepository metrics(*store_);
    std::vector<MetricPoint> points;
    for (int step = 1; step <= 100; ++step) {
      points.push_back({first, "loss", step, 3.0 - step * 0.01, 1000.0 + step * 2});
      points.push_back({first, "epoch", step, step / 50.0, 1000.0 + step * 2});
      points.push_back({first, "tokens_per_second", step, step % 2 ? 100.0 : 200.0, 1000.0});
    }
    points.push_back({first, "val_loss", 50, 2.4, 1100});
    points.push_back({first, "val_loss", 100, 2.5, 1200});
    points.push_back({first, "trainable_parameters", 0, 4096, 1000});
    points.push_back({second, "loss", 1, 5.0, 50});
    metrics.append(points);

    const auto overview =
        readRunOverview(store_->file().string(), {first, second, 999}, {"loss", "val_loss"}, 1000);
    QCOMPARE(overview.rows.size(), size_t(2));
    QCOMPARE(overview.rows[1].method, std::string("lora"));
    QCOMPARE(overview.rows[0].method, std::string("full"));
    QCOMPARE(overview.compared, (std::vector<int64_t>{first, second}));
    QCOMPARE(overview.figures.size(), size_t(2));
    const auto& figures = overview.figures[0];
    QCOMPARE(*figures.finalTrainLoss, 2.0);
    QCOMPARE(*figures.steps, int64_t(100));
    QCOMPARE(*figures.bestValidationLoss, 2.4);
    QCOMPARE(*figures.bestValidationStep, int64_t(50));
    QCOMPARE(*figures.meanTokensPerSecond, 150.0);
    QCOMPARE(*figures.trainableParameters, 4096.0);
    QVERIFY(!overview.figures[1].bestValidationLoss);
    QVERIFY(!overview.figures[1].trainableParameters);

    const auto& timeline = overview.timelines[0];
    QCOMPARE(timeline.epochs.front(), std::make_pair(int64_t(1), 0.02));
    QCOMPARE(timeline.epochs.back(), std::make_pair(int64_t(100), 2.0));
    // Seconds from the first metric (the run never started): step 1 at 1002 s, 100 at 1200 s.
    QCOMPARE(timeline.seconds.front(), std::make_pair(int64_t(1), 0.0));
    QCOMPARE(timeline.seconds.back(), std::make_pair(int64_t(100), 198.0));
    QVERIFY(overview.timelines[1].epochs.empty());

    QCOMPARE(overview.config.size(), size_t(2));  // lr and method.name
    QVERIFY(overview.config[0].differs);
    QVERIFY(!overview.config[1].values[1]);  // b has no method
    QVERIFY(overview.configError.empty());
  }

 private:
  int64_t createRunWithOutput(const std::string& output) {
    NewRun run("with files");
    run.config = nlohmann::json{{"output", output}}.dump();
    return RunRepository(*store_).create(run);
  }

  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<ProjectStore> store_;
};

QTEST_GUILESS_MAIN(RunManagementTest)
#include "tst_run_management.moc"
