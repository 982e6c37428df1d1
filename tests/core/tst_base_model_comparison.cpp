// A fine-tuned model against its base model on the same evaluations: the forgetting alarm rings
// when the fine-tuned score is worse by more than the 95% interval of the difference (never for a
// metric without standard errors), each side counts with its latest evaluation, and items that
// flip between right and wrong are found by index; on constructed records and through a project.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "store/ArtifactRepository.h"
#include "store/BaseModelComparison.h"
#include "store/EvaluationRepository.h"
#include "store/ModelVersions.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using namespace tunebench::store;

namespace {

EvaluationSummary benchmark(int64_t id, double createdAt, const std::string& sha, double acc,
                            double accNorm, double stderrOfEach) {
  EvaluationSummary summary;
  summary.record.id = id;
  summary.record.createdAt = createdAt;
  summary.record.suite = "mmlu";
  summary.record.dataSha256 = sha;
  summary.record.evaluator = "benchmark";
  summary.metrics = {
      {"acc", acc},          {"acc_stderr", stderrOfEach},      {"acc (anatomy)", acc},
      {"acc_norm", accNorm}, {"acc_norm_stderr", stderrOfEach}, {"word_perplexity", 12.0 + acc},
      {"questions", 400}};
  return summary;
}

}  // namespace

class BaseModelComparisonTest : public QObject {
  Q_OBJECT
 private slots:
  void beyondTheIntervalRaisesTheAlarm() {
    // se 0.02 on each side: the margin is 1.96 × √(2 × 0.02²) = 0.0554.
    const auto base = benchmark(1, 1, "feed", 0.70, 0.70, 0.02);
    const auto tuned = benchmark(2, 2, "feed", 0.60, 0.66, 0.02);
    const auto comparisons = compareWithBase({tuned}, {base});
    QCOMPARE(comparisons.size(), size_t(4));  // acc, acc (anatomy), acc_norm, word_perplexity
    QCOMPARE(comparisons[0].metric, std::string("acc"));
    QCOMPARE(comparisons[0].baseEvaluationId, int64_t(1));
    QCOMPARE(comparisons[0].tunedEvaluationId, int64_t(2));
    QVERIFY(std::abs(*comparisons[0].margin() - 1.959963984540054 * std::sqrt(0.0008)) < 1e-12);
    QVERIFY(comparisons[0].forgets());
    QVERIFY(!comparisons[0].gains());
    QCOMPARE(comparisons[1].metric, std::string("acc (anatomy)"));
    QVERIFY(!comparisons[1].margin());  // no standard error: compared, never alarmed
    QVERIFY(!comparisons[1].forgets());
    QCOMPARE(comparisons[2].metric, std::string("acc_norm"));
    QVERIFY(!comparisons[2].forgets());  // −0.04 lies within ±0.055
    QCOMPARE(comparisons[3].metric, std::string("word_perplexity"));
    QVERIFY(!comparisons[3].forgets());

    const auto alarms = forgettingAmong(comparisons);
    QCOMPARE(alarms.size(), size_t(1));
    QCOMPARE(describeForgetting(alarms[0]),
             std::string("mmlu: acc 70.0% \u2192 60.0% (\u221210.0 points, beyond \u00b15.5)"));

    // Better by more than the interval is a gain, and no alarm.
    const auto better = compareWithBase({benchmark(3, 3, "feed", 0.80, 0.80, 0.02)}, {base});
    QVERIFY(better[0].gains());
    QVERIFY(forgettingAmong(better).empty());
  }

  void lowerIsBetterForPerplexities() {
    EvaluationSummary base, tuned;
    base.record.dataSha256 = tuned.record.dataSha256 = "feed";
    base.record.evaluator = tuned.record.evaluator = "perplexity";
    base.metrics = {{"bits_per_byte", 1.0}, {"bits_per_byte_stderr", 0.01}};
    tuned.metrics = {{"bits_per_byte", 1.2}, {"bits_per_byte_stderr", 0.01}};
    const auto comparisons = compareWithBase({tuned}, {base});
    QCOMPARE(comparisons.size(), size_t(1));
    QVERIFY(comparisons[0].forgets());
  }

  void theLatestEvaluationOfEachSideCountsAndOtherFilesDoNot() {
    const auto oldBase = benchmark(1, 1, "feed", 0.30, 0.30, 0.02);
    const auto newBase = benchmark(2, 5, "feed", 0.70, 0.70, 0.02);
    const auto tuned = benchmark(3, 2, "feed", 0.60, 0.60, 0.02);
    const auto retuned = benchmark(4, 3, "feed", 0.71, 0.71, 0.02);
    const auto elsewhere = benchmark(5, 4, "beef", 0.10, 0.10, 0.02);
    QCOMPARE(forgettingAmong(compareWithBase({tuned}, {oldBase, newBase})).size(), size_t(2));
    QVERIFY(forgettingAmong(compareWithBase({tuned, retuned}, {newBase, oldBase})).empty());
    // An evaluation the base model never had is not compared.
    QVERIFY(compareWithBase({elsewhere}, {newBase}).empty());
    // NaN is never an alarm.
    auto broken = tuned;
    broken.metrics[0].second = std::nan("");
    QVERIFY(!compareWithBase({broken}, {newBase})[0].forgets());
  }

  void readFromAProject() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("forgetting.tbproj").toStdString();
    int64_t forgetful = 0, fine = 0, baseEvaluation = 0, tunedEvaluation = 0;
    {
      auto project = ProjectStore::create(file);
      const int64_t model =
          ModelRepository(project).add("starter", dir.filePath("m").toStdString(), "llama", "00");
      RunRepository runs(project);
      NewRun first("forgetful");
      first.modelId = model;
      forgetful = runs.create(first);
      NewRun second("fine");
      second.modelId = model;
      fine = runs.create(second);
      const int64_t unrelated = runs.create(NewRun("no base"));
      const int64_t checkpoint =
          CheckpointRepository(project).add(fine, 10, dir.filePath("ck").toStdString(), "00");
      ExportRepository(project).add(forgetful, std::nullopt, "merged",
                                    dir.filePath("e1").toStdString(), "a");
      EvaluationRepository evaluations(project);
      auto record = [&](NewEvaluation evaluation, double acc, std::vector<double> scores) {
        evaluation.suite = "general.jsonl";
        evaluation.dataSha256 = "feed";
        evaluation.evaluator = "benchmark";
        const int64_t id = evaluations.create(evaluation);
        evaluations.setMetric(id, "acc", acc);
        evaluations.setMetric(id, "acc_stderr", 0.01);
        std::vector<EvaluationItem> items;
        for (size_t i = 0; i < scores.size(); ++i) {
          EvaluationItem item;
          item.index = static_cast<int64_t>(i);
          item.input = "question " + std::to_string(i);
          item.expected = "A";
          item.output = scores[i] == 1.0 ? "A" : "B";
          item.score = scores[i];
          items.push_back(item);
        }
        evaluations.addItems(id, items);
        return id;
      };
      NewEvaluation ofBase;
      ofBase.modelId = model;
      baseEvaluation = record(ofBase, 0.5, {1, 1, 0, 0, 0.5});
      NewEvaluation ofForgetful;
      ofForgetful.runId = forgetful;
      tunedEvaluation = record(ofForgetful, 0.4, {0, 1, 1, 0, 0});
      NewEvaluation ofFine;
      ofFine.runId = fine;
      record(ofFine, 0.5, {1, 1, 0, 0, 1});
      // A checkpoint's evaluation is not the run's final model's.
      NewEvaluation ofCheckpoint = ofFine;
      ofCheckpoint.checkpointId = checkpoint;
      record(ofCheckpoint, 0.1, {0, 0, 0, 0, 0});
      NewEvaluation ofUnrelated;
      ofUnrelated.runId = unrelated;
      record(ofUnrelated, 0.1, {0, 0, 0, 0, 0});
    }
    const auto comparison = readRunBaseComparison(file, forgetful);
    QCOMPARE(comparison.modelName, std::string("starter"));
    QCOMPARE(comparison.scores.size(), size_t(1));
    QVERIFY(comparison.scores[0].forgets());
    QVERIFY(!readRunBaseComparison(file, fine).scores[0].forgets());

    const auto byRun = readForgettingByRun(file);
    QCOMPARE(byRun.size(), size_t(1));
    QCOMPARE(byRun.begin()->first, forgetful);

    // Monitor: the exported version of the forgetful run carries the alarm.
    const auto history = readModelVersionHistory(file);
    QCOMPARE(history.forgetting.size(), size_t(1));
    QCOMPARE(history.forgetting[0].version, 1);
    QCOMPARE(history.forgetting[0].comparison.metric, std::string("acc"));

    // Items 0 (right → wrong) and 2 (wrong → right) flip; item 4's graded 0.5 is no flip.
    const auto flips = readItemFlips(file, baseEvaluation, tunedEvaluation);
    QCOMPARE(flips.size(), size_t(2));
    QCOMPARE(flips[0].index, int64_t(0));
    QVERIFY(!flips[0].nowRight);
    QCOMPARE(flips[0].baseOutput, std::string("A"));
    QCOMPARE(flips[0].tunedOutput, std::string("B"));
    QCOMPARE(flips[1].index, int64_t(2));
    QVERIFY(flips[1].nowRight);
    QCOMPARE(flips[1].input, std::string("question 2"));
  }

  // A run recorded without its model (before runs named theirs) finds it through its config.
  void aRunsBaseModelComesFromItsConfigWhenNotRecorded() {
    QTemporaryDir dir;
    const std::string file = dir.filePath("older.tbproj").toStdString();
    auto project = ProjectStore::create(file);
    const int64_t model =
        ModelRepository(project).add("starter", dir.filePath("m").toStdString(), "llama", "00");
    RunRepository runs(project);
    NewRun named("named");
    named.config = R"({"model": "m"})";  // relative to the project's folder
    const int64_t older = runs.create(named);
    NewRun elsewhere("elsewhere");
    elsewhere.config = R"({"model": "/nowhere/model"})";
    const int64_t other = runs.create(elsewhere);
    QCOMPARE(baseModelOf(project, *runs.find(older)), std::optional<int64_t>(model));
    QVERIFY(!baseModelOf(project, *runs.find(other)));
    NewRun broken("broken");
    broken.config = "{not json";
    QVERIFY(!baseModelOf(project, *runs.find(runs.create(broken))));
  }
};

QTEST_GUILESS_MAIN(BaseModelComparisonTest)
#include "tst_base_model_comparison.moc"
