// Model versions and regressions: exports group into versions (a run's final model, or one of its
// checkpoints) numbered by first export; a version's evaluations are those of exactly its model;
// a version scoring worse than the previous version evaluated on the same suite and metric is
// flagged (lower exact match, higher perplexity), with the difference; on constructed records and
// through a project.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "common/Error.h"
#include "store/ArtifactRepository.h"
#include "store/EvaluationRepository.h"
#include "store/ModelVersions.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using namespace tunebench::store;

namespace {

ExportRecord exportOf(int64_t id, std::optional<int64_t> run, std::optional<int64_t> checkpoint,
                      const std::string& format) {
  ExportRecord record;
  record.id = id;
  record.runId = run;
  record.checkpointId = checkpoint;
  record.format = format;
  return record;
}

EvaluationSummary evaluation(int64_t id, int64_t run, const std::string& suite, double exactMatch,
                             double perplexity, std::optional<int64_t> checkpoint = {}) {
  EvaluationSummary summary;
  summary.record.id = id;
  summary.record.runId = run;
  summary.record.checkpointId = checkpoint;
  summary.record.suite = suite;
  summary.metrics = {{"examples", 10}, {"exact_match", exactMatch}, {"perplexity", perplexity}};
  return summary;
}

}  // namespace

class ModelVersionsTest : public QObject {
  Q_OBJECT
 private slots:
  void exportsGroupIntoVersions() {
    const auto versions =
        groupIntoVersions({exportOf(1, 5, {}, "merged"), exportOf(2, 5, {}, "adapter"),
                           exportOf(3, 5, 40, "merged"), exportOf(4, std::nullopt, {}, "merged"),
                           exportOf(5, 7, {}, "merged"), exportOf(6, 5, 40, "adapter")});
    QCOMPARE(versions.size(), size_t(3));
    QCOMPARE(versions[0].number, 1);
    QCOMPARE(versions[0].runId, int64_t(5));
    QVERIFY(!versions[0].checkpointId);
    QCOMPARE(versions[0].exports.size(), size_t(2));
    QCOMPARE(versions[1].checkpointId, std::optional<int64_t>(40));
    QCOMPARE(versions[1].exports.size(), size_t(2));
    QCOMPARE(versions[1].exports[1].id, int64_t(6));
    QCOMPARE(versions[2].runId, int64_t(7));
    QCOMPARE(versions[2].number, 3);

    // The final model's evaluations are the run's without a checkpoint.
    EvaluationRecord ofRun;
    ofRun.id = 1;
    ofRun.runId = 5;
    EvaluationRecord ofCheckpoint;
    ofCheckpoint.id = 2;
    ofCheckpoint.checkpointId = 40;
    QVERIFY(evaluatesVersion(ofRun, versions[0]));
    QVERIFY(!evaluatesVersion(ofCheckpoint, versions[0]));
    QVERIFY(evaluatesVersion(ofCheckpoint, versions[1]));
    QVERIFY(!evaluatesVersion(ofRun, versions[1]));
    QVERIFY(!evaluatesVersion(ofRun, versions[2]));
  }

  void aWorseVersionIsFlaggedWithTheDifference() {
    std::vector<ModelVersion> versions(4);
    for (int i = 0; i < 4; ++i) {
      versions[i].number = i + 1;
      versions[i].runId = i + 1;
    }
    versions[0].evaluations = {evaluation(1, 1, "qa.jsonl", 0.50, 9.0)};
    // v2: better exact match, worse perplexity on qa; first on other.jsonl.
    versions[1].evaluations = {evaluation(2, 2, "qa.jsonl", 0.60, 9.5),
                               evaluation(3, 2, "other.jsonl", 0.2, 4.0)};
    // v3 is not evaluated on qa: v4 compares with v2 there.
    versions[2].evaluations = {evaluation(4, 3, "other.jsonl", 0.2, 4.0)};
    // v4: evaluated twice on qa, the latest counts (exact match 0.40 < 0.60).
    versions[3].evaluations = {evaluation(5, 4, "qa.jsonl", 0.90, 1.0),
                               evaluation(6, 4, "qa.jsonl", 0.40, 8.0)};

    const auto series = scoreSeries(versions);
    QCOMPARE(series.size(), size_t(4));  // other/exact, other/ppl, qa/exact, qa/ppl
    QCOMPARE(series[2].suite, std::string("qa.jsonl"));
    QCOMPARE(series[2].metric, std::string("exact_match"));
    QCOMPARE(series[2].scores.size(), size_t(3));
    QCOMPARE(series[2].scores[2].version, 4);
    QCOMPARE(series[2].scores[2].evaluationId, int64_t(6));
    QCOMPARE(series[2].scores[2].value, 0.40);

    const auto regressions = findRegressions(series);
    QCOMPARE(regressions.size(), size_t(2));
    QCOMPARE(regressions[0].version, 2);
    QCOMPARE(regressions[0].previousVersion, 1);
    QCOMPARE(regressions[0].metric, std::string("perplexity"));
    QCOMPARE(regressions[0].difference(), 0.5);
    QCOMPARE(regressions[1].version, 4);
    QCOMPARE(regressions[1].previousVersion, 2);
    QCOMPARE(regressions[1].suite, std::string("qa.jsonl"));
    QCOMPARE(regressions[1].metric, std::string("exact_match"));
    QVERIFY(std::abs(regressions[1].difference() - (-0.20)) < 1e-12);
    // An equal score (other.jsonl, v2 to v3) is no regression; improving perplexity is none.
  }

  void nanScoresAreSkipped() {
    ScoreSeries series{
        "s", "s", "perplexity", {{1, 1, 5.0}, {2, 2, std::nan("")}, {3, 3, 6.0}}, {}};
    const auto regressions = findRegressions({series});
    QCOMPARE(regressions.size(), size_t(1));
    QCOMPARE(regressions[0].version, 3);
    QCOMPARE(regressions[0].previousVersion, 1);
    QVERIFY(!isComparedMetric("examples"));
    QVERIFY(higherIsBetter("exact_match"));
    QVERIFY(!higherIsBetter("perplexity"));
    // A classifier's figures are compared too, higher being better.
    QVERIFY(isComparedMetric("accuracy") && higherIsBetter("accuracy"));
    QVERIFY(isComparedMetric("macro_f1") && higherIsBetter("macro_f1"));
    QVERIFY(!isComparedMetric("f1 calm"));
    // Benchmarks: accuracy up is better, perplexity and bits per byte down; a subject's own
    // accuracy and standard errors are not compared.
    QVERIFY(isComparedMetric("acc") && higherIsBetter("acc"));
    QVERIFY(isComparedMetric("acc_norm") && higherIsBetter("acc_norm"));
    QVERIFY(isComparedMetric("bits_per_byte") && !higherIsBetter("bits_per_byte"));
    QVERIFY(isComparedMetric("word_perplexity") && !higherIsBetter("word_perplexity"));
    QVERIFY(!isComparedMetric("acc_stderr") && !isComparedMetric("acc (anatomy)"));
    ScoreSeries accuracy{"moods.jsonl", "moods.jsonl", "accuracy", {{1, 1, 0.8}, {2, 2, 0.75}}, {}};
    const auto worse = findRegressions({accuracy});
    QCOMPARE(worse.size(), size_t(1));
    QCOMPARE(worse[0].version, 2);
  }

  void readFromAProject() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("versions.tbproj").toStdString();
    {
      auto project = ProjectStore::create(file);
      RunRepository runs(project);
      const int64_t first = runs.create(NewRun("first"));
      const int64_t second = runs.create(NewRun("second"));
      const int64_t checkpoint =
          CheckpointRepository(project).add(second, 30, dir.filePath("ck").toStdString(), "00");
      ExportRepository exports(project);
      exports.add(first, std::nullopt, "merged", dir.filePath("e1").toStdString(), "a");
      exports.add(second, std::nullopt, "merged", dir.filePath("e2").toStdString(), "b");
      exports.add(second, checkpoint, "adapter", dir.filePath("e3").toStdString(), "c");
      exports.add(first, std::nullopt, "adapter", dir.filePath("e4").toStdString(), "d");
      EvaluationRepository evaluations(project);
      auto record = [&](int64_t run, std::optional<int64_t> ck, double exact, double ppl) {
        const int64_t id = evaluations.create(run, ck, "qa.jsonl");
        evaluations.setMetric(id, "exact_match", exact);
        evaluations.setMetric(id, "perplexity", ppl);
      };
      record(first, std::nullopt, 0.8, 3.0);
      record(second, std::nullopt, 0.7, 2.5);
      record(second, checkpoint, 0.9, 2.0);
    }
    const auto history = readModelVersionHistory(file);
    QCOMPARE(history.versions.size(), size_t(3));
    QCOMPARE(history.versions[0].runName, std::string("first"));
    QCOMPARE(history.versions[0].exports.size(), size_t(2));
    QCOMPARE(history.versions[1].runName, std::string("second"));
    QCOMPARE(history.versions[1].evaluations.size(), size_t(1));
    QCOMPARE(history.versions[2].checkpointStep, std::optional<int64_t>(30));
    QCOMPARE(history.versions[2].evaluations.size(), size_t(1));
    QCOMPARE(history.regressions.size(), size_t(1));
    QCOMPARE(history.regressions[0].version, 2);
    QCOMPARE(history.regressions[0].metric, std::string("exact_match"));
    QVERIFY(std::abs(history.regressions[0].difference() - (-0.1)) < 1e-12);
  }

  // The same file evaluated the same way is one evaluation whatever it was called; the base
  // model's evaluation is shown beside the versions, never as one of their scores.
  void evaluationsAreIdentifiedByContentAndBaseModelsStandApart() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("identity.tbproj").toStdString();
    {
      auto project = ProjectStore::create(file);
      const int64_t model =
          ModelRepository(project).add("starter", dir.filePath("m").toStdString(), "llama", "00");
      RunRepository runs(project);
      const int64_t first = runs.create(NewRun("first"));
      const int64_t second = runs.create(NewRun("second"));
      ExportRepository exports(project);
      exports.add(first, std::nullopt, "merged", dir.filePath("e1").toStdString(), "a");
      exports.add(second, std::nullopt, "merged", dir.filePath("e2").toStdString(), "b");
      EvaluationRepository evaluations(project);
      auto record = [&](NewEvaluation evaluation, double exact) {
        evaluation.evaluator = "generation";
        evaluation.settings = R"({"limit":0})";
        const int64_t id = evaluations.create(evaluation);
        evaluations.setMetric(id, "exact_match", exact);
      };
      NewEvaluation base;
      base.modelId = model;
      base.suite = "demo test split: starter model";
      base.dataSha256 = "feed";
      record(base, 0.1);
      NewEvaluation ofFirst;
      ofFirst.runId = first;
      ofFirst.suite = "demo test split: after LoRA";
      ofFirst.dataSha256 = "feed";
      record(ofFirst, 0.6);
      NewEvaluation ofSecond = ofFirst;
      ofSecond.runId = second;
      ofSecond.suite = "test.jsonl";
      record(ofSecond, 0.5);
      // Same name, other content: another evaluation.
      NewEvaluation other = ofSecond;
      other.dataSha256 = "beef";
      record(other, 0.9);
      QVERIFY_THROWS_EXCEPTION(tunebench::Error, evaluations.create(NewEvaluation{}));
    }
    const auto history = readModelVersionHistory(file);
    QCOMPARE(history.versions.size(), size_t(2));
    QCOMPARE(history.versions[0].evaluations.size(), size_t(1));  // not the base model's
    QCOMPARE(history.series.size(), size_t(2));
    const auto& same = history.series[0].scores.size() == 2 ? history.series[0] : history.series[1];
    const auto& other = &same == &history.series[0] ? history.series[1] : history.series[0];
    QCOMPARE(same.scores.size(), size_t(2));
    QCOMPARE(same.suite, std::string("test.jsonl"));  // the latest name
    QCOMPARE(same.baseModels.size(), size_t(1));
    QCOMPARE(same.baseModels[0].modelName, std::string("starter"));
    QCOMPARE(same.baseModels[0].value, 0.1);
    QCOMPARE(other.scores.size(), size_t(1));
    QVERIFY(other.baseModels.empty());
    QCOMPARE(history.regressions.size(), size_t(1));
    QCOMPARE(history.regressions[0].version, 2);
    QCOMPARE(history.regressions[0].identity, same.identity);
  }
};

QTEST_GUILESS_MAIN(ModelVersionsTest)
#include "tst_model_versions.moc"
